// The gateway's field policy: which params of each method a page (a browser behind
// codex-rx/gateway) may set. Hand-kept on purpose: this is the policy decision. Everything else is
// derived from the pinned schema by scripts/generate-gateway-policy.mjs, which FAILS when the
// schema has a field (or a union variant) reachable from a page-settable field that is not
// classified here, so a new binary cannot silently widen what a page may do.
//
//   page      the page may set it (checked against the schema, size-limited)
//   model     the page may set it to one of the operator's `models`
//   operator  only the operator chooses it (the upstream's cwd/configOverrides, the per-principal
//             home); a page that sets it (to anything but null) is refused
//   open      (nested only) a free-form JSON value the page may set (still size-limited)
//
// Why each power-widening field is the operator's: docs/gateway.md ("What a page can and cannot do").

/** Fields every thread-creating method leaves to the operator. */
const THREAD_SETTINGS = [
  'approvalPolicy', // "on-request" lets the model ask to leave the sandbox
  'approvalsReviewer',
  'baseInstructions', // the base prompt
  'developerInstructions',
  'config', // an mcp_servers entry starts a command at thread start
  'cwd',
  'modelProvider', // built-in providers reach local ports (ollama, lmstudio)
  'permissions',
  'runtimeWorkspaceRoots',
  'sandbox',
  'serviceTier', // billing
];

/** Per method: the params fields, classified. Methods missing here cannot be allowed. */
export const METHOD_FIELDS = {
  // The hub answers initialize from its own handshake; the tab's params are checked, never forwarded.
  initialize: { page: ['clientInfo', 'capabilities'] },
  initialized: {},
  'thread/start': {
    page: ['ephemeral', 'personality', 'historyMode', 'sessionStartSource'],
    model: ['model'],
    operator: [
      ...THREAD_SETTINGS,
      'allowProviderModelFallback',
      'daybreakEnabled',
      'dynamicTools', // tools the page would answer itself
      'environments',
      'experimentalRawEvents',
      'mockExperimentalField',
      'multiAgentMode', // spawns more agents
      'projectId',
      'selectedCapabilityRoots',
      'serviceName',
      'threadSource',
    ],
  },
  'thread/resume': {
    page: ['threadId', 'excludeTurns', 'initialTurnsPage', 'personality'],
    model: ['model'],
    operator: [...THREAD_SETTINGS, 'history', 'path'], // path/history: a rollout file or history of the page's choosing
  },
  'thread/fork': {
    page: ['threadId', 'beforeTurnId', 'lastTurnId', 'ephemeral', 'excludeTurns'],
    model: ['model'],
    operator: [...THREAD_SETTINGS, 'path', 'attachToSource', 'deferGoalContinuation', 'experimentalDisablePredictionMcp', 'experimentalPredictionMode', 'threadSource'],
  },
  'thread/read': { page: ['threadId', 'includeTurns'] },
  // Filters over the principal's own threads (its own CODEX_HOME).
  'thread/list': {
    page: [
      'ancestorThreadId', 'archived', 'attachedToThreadId', 'currentAccountOnly', 'cursor', 'cwd', 'excludedThreadIds',
      'includeAttachedThreads', 'includedThreadIds', 'limit', 'modelProviders', 'originators', 'parentThreadId', 'projectId',
      'searchTerm', 'sectionId', 'sortDirection', 'sortKey', 'sourceKinds',
    ],
    operator: ['useStateDbOnly'],
  },
  'thread/loaded/list': { page: ['cursor', 'limit'] },
  'thread/turns/list': { page: ['threadId', 'cursor', 'itemsView', 'limit', 'sortDirection'] },
  'thread/items/list': { page: ['threadId', 'turnId', 'cursor', 'deferOutput', 'limit', 'sortDirection'] },
  'thread/items/read': { page: ['threadId', 'turnId', 'itemIds'] },
  'thread/name/set': { page: ['threadId', 'name'] },
  'thread/archive': { page: ['threadId'] },
  'thread/unarchive': { page: ['threadId'] },
  'thread/unsubscribe': { page: ['threadId'] },
  'thread/compact/start': { page: ['threadId'] },
  'turn/start': {
    page: ['threadId', 'input', 'clientUserMessageId', 'effort', 'summary', 'personality', 'outputSchema'],
    model: ['model'],
    operator: [
      'approvalPolicy', 'approvalsReviewer', 'cwd', 'environments', 'permissions', 'runtimeWorkspaceRoots', 'sandboxPolicy',
      'additionalContext', // free-form context injected into the prompt
      'collaborationMode', // carries developer_instructions and a model
      'cyberAccessProgram',
      'disabledPluginIds',
      'multiAgentMode',
      'parentTurnId',
      'rootTurnId',
      'responsesapiClientMetadata',
      'responsesapiClientMetadataPatch',
      'serviceTier',
      'serviceTierForTurn',
      'toolOutput', // forges a tool's output
      'turnTrigger',
    ],
  },
  'turn/steer': {
    page: ['threadId', 'expectedTurnId', 'input', 'clientUserMessageId'],
    operator: ['additionalContext', 'responsesapiClientMetadata', 'responsesapiClientMetadataPatch'],
  },
  'turn/interrupt': { page: ['threadId', 'turnId'] },
  'model/list': { page: ['cursor', 'limit', 'includeHidden'], operator: ['modelProvider'] },
  'account/read': { page: ['refreshToken'] },
  'account/rateLimits/read': { page: ['excludeResetCreditDetails', 'supportsLunaReserve'] },
};

/**
 * Objects and unions reached from page fields, by context: a definition's name, `Def.variant`
 * for a tagged variant of a union (its `type`), `Def.field` for an inline object in a field.
 * `variants` classifies the branches of a tagged union; the rest classify object properties.
 */
export const NESTED_FIELDS = {
  ClientInfo: { page: ['name', 'title', 'version'] },
  InitializeCapabilities: {
    // requestAttestation: codex-rx's own handshake always sends `false`; the hub answers a tab's
    // initialize from its own handshake and never forwards it, so the value reaches nothing.
    page: ['experimentalApi', 'optOutNotificationMethods', 'requestAttestation'],
    operator: ['explicitGatewayOauth', 'extensions', 'mcpServerOpenaiFormElicitation', 'requiredHumanApproval'],
  },
  ThreadResumeInitialTurnsPageParams: { page: ['itemsView', 'limit', 'sortDirection'] },
  ThreadItemOutputDeferral: { page: ['commandExecution', 'mcpToolCall'] },
  'ThreadItemsListAnchor.item': { page: ['type', 'itemId'] },
  ThreadItemsListAnchor: { variants: { page: ['item'] } },
  // Input items: text and image URLs. Items naming a path on the server (localImage, a skill's or
  // mention's path) read host files; audio and uploaded-file ids are left to the operator too.
  UserInput: { variants: { page: ['text', 'image'], operator: ['localImage', 'localAudio', 'audio', 'skill', 'mention'] } },
  'UserInput.text': { page: ['type', 'text', 'text_elements'] },
  'UserInput.image': { page: ['type', 'url', 'detail'], operator: ['fileId'] },
  TextElement: { page: ['byteRange', 'placeholder'] },
  ByteRange: { page: ['start', 'end'] },
  // A JSON Schema the final answer must follow: shapes the model's output, grants nothing.
  'TurnStartParams.outputSchema': { open: true },
};

/**
 * Paths as the user knows them: relative to the thread's workspace, never the server's absolute
 * paths (they name the server's directories, which are none of the page's business).
 */
export function relativePath(workspace: string | null, path: string): string {
  if (!workspace) return path;
  const root = workspace.endsWith('/') ? workspace : `${workspace}/`;
  if (path === workspace || path === root) return '.';
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** Free text (a command, its output, a diff) with the workspace's absolute path taken out. */
export function withoutWorkspace(workspace: string | null, text: string): string {
  if (!workspace) return text;
  const root = workspace.endsWith('/') ? workspace.slice(0, -1) : workspace;
  return text.split(`${root}/`).join('').split(root).join('.');
}

/**
 * local-image-and-text — a turn with an image *file*: the app-server reads it from disk itself.
 *
 *   npx tsx samples/local-image-and-text.ts          the real codex app-server with a scripted model
 *   npx tsx samples/local-image-and-text.ts --live   the real model looks at the image (the file
 *                                                    goes to a temp directory, removed at the end)
 *
 * `localImageInput(path)` names a file on the app-server's machine; Codex reads it and sends the
 * model its content. The sample writes a 60×20 PNG with three stripes (red, green, blue) to the
 * workspace first.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { lastValueFrom } from 'rxjs';
import { localImageInput, textInput } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { stripesPng } from './support/png.js';
import { contentPartsOf, openSession, runSample, showImageAnswer } from './support/session.js';

const QUESTION = 'Name the colours of the stripes in this image, left to right. One line.';
const SCRIPT = [message('Red, green, blue.')];

runSample(async ({ live }) => {
  const { codex, cwd, description, model, dispose } = await openSession({ live, steps: SCRIPT, tempWorkspace: true });
  try {
    console.log(`local-image-and-text · ${description}`);
    const file = path.join(cwd, 'stripes.png');
    const png = stripesPng(60, 20, [[220, 30, 30], [30, 170, 60], [30, 60, 220]]);
    await fs.writeFile(file, png);
    console.log(`wrote ${file} (${png.length} bytes)`);
    console.log(`› ${QUESTION} [${path.basename(file)}]`);

    const thread = codex.thread({ cwd });
    const result = await lastValueFrom(thread.run([textInput(QUESTION), localImageInput(file)]));

    const user = result.items.find((i) => i.type === 'userMessage');
    if (user?.type === 'userMessage') {
      console.log(`the turn's user message: ${user.content.map((c) => (c.type === 'localImage' ? `localImage ${c.path}` : c.type)).join(' + ')}`);
    }

    if (model) {
      // Scripted mode: Codex read the file and sent its bytes, inline, to the model.
      const parts = contentPartsOf(model.responseRequests.at(-1)?.body);
      const image = parts.find((c) => c.type === 'input_image');
      const bytes = image ? Buffer.from(image.image_url.replace(/^data:image\/png;base64,/, ''), 'base64') : undefined;
      const label = parts.find((c) => c.type === 'input_text' && c.text.startsWith('<image'));
      console.log(`Codex sent the model the file as an input_image: ${bytes ? (bytes.equals(png) ? 'a data: URL with exactly our PNG bytes' : `${bytes.length} bytes (re-encoded)`) : 'none!'}`);
      if (label) console.log(`  labelled ${label.text}`);
    }
    showImageAnswer(result.finalResponse, model !== undefined);
  } finally {
    await dispose();
  }
});

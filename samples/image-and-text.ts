/**
 * image-and-text — a turn whose input is text plus an image, the image inlined as a `data:` URL.
 *
 *   npx tsx samples/image-and-text.ts          the real codex app-server with a scripted model
 *   npx tsx samples/image-and-text.ts --live   the real model looks at the image
 *
 * Input is a string, one item or an array of items: `textInput(text)`, `imageInput(url)` (an
 * https: or data: URL), `localImageInput(path)` (see local-image-and-text.ts), … The image here
 * is a 48×32 PNG drawn by the sample: red on the left half, blue on the right.
 *
 * `imageInput(url, detail)` also takes a detail level. Careful: when the model does not support
 * that level, Codex sends a note ("image content omitted…") instead of the image — with codex
 * 0.169.0 and the scripted model, 'low' is refused; 'high', 'original' and 'auto' pass.
 */
import { lastValueFrom } from 'rxjs';
import { imageInput, textInput } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { dataUrl, stripesPng } from './support/png.js';
import { contentPartsOf, openSession, runSample, showImageAnswer } from './support/session.js';

const QUESTION = 'This image has two halves. Which colour is on the left and which on the right? One sentence.';
const SCRIPT = [message('The left half is red and the right half is blue.')];

runSample(async ({ live }) => {
  const { codex, description, model, dispose } = await openSession({ live, steps: SCRIPT });
  try {
    console.log(`image-and-text · ${description}`);
    const url = dataUrl(stripesPng(48, 32, [[220, 30, 30], [30, 60, 220]]));
    console.log(`image: a PNG as a data: URL, ${url.length} characters (${url.slice(0, 30)}…)`);
    console.log(`› ${QUESTION} [image]`);

    const thread = codex.thread();
    const result = await lastValueFrom(thread.run([textInput(QUESTION), imageInput(url)]));

    // The user message item echoes both parts of the input.
    const user = result.items.find((i) => i.type === 'userMessage');
    if (user?.type === 'userMessage') console.log(`the turn's user message has ${user.content.length} parts: ${user.content.map((c) => c.type).join(' + ')}`);

    if (model) {
      // Scripted mode: show that the image really went to the model.
      const sent = contentPartsOf(model.responseRequests.at(-1)?.body).find((c) => c.type === 'input_image');
      console.log(`Codex sent the model an input_image: ${sent ? `${sent.image_url === url ? 'our data: URL, unchanged' : 'a different URL'}, detail ${sent.detail}` : 'none!'}`);
    }
    showImageAnswer(result.finalResponse, model !== undefined);
  } finally {
    await dispose();
  }
});

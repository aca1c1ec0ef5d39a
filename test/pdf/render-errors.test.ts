import { describe, expect, it } from 'vitest';
import { renderBook } from '../../src/render/pdf/book.js';
import { MissingGlyphsError, RenderError, renderErrorText } from '../../src/render/pdf/errors.js';
import { CJK, ENGLISH_RUN } from '../language.js';
import { bundledSops } from '../machine/helpers.js';

describe("the renderers' refusals speak the user's language", () => {
  it('a book of a manual, of a roster, of no pages: each refused in Chinese and in English', async () => {
    const sops = await bundledSops();
    const manual = sops.find((s) => s.kind === 'manual');
    const duty = sops.find((s) => s.id === 'duty-handover-public-affairs');
    const base = {
      pages: 2,
      size: 'A4',
      duplex: false,
      gutter: 0,
      bleed: 0,
      cropMarks: false,
      firstSerial: 1,
    };
    const asks = [
      () => renderBook(manual as never, { ...base, form: 'x' } as never),
      () => renderBook(duty as never, { ...base, form: 'duty-roster' } as never),
      () => renderBook(duty as never, { ...base, form: 'duty-log', pages: 0 } as never),
    ];
    for (const ask of asks) {
      const err = await ask().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RenderError);
      const zh = renderErrorText(err, 'zh') ?? '';
      const en = renderErrorText(err, 'en') ?? '';
      expect(zh).toMatch(CJK);
      expect(zh).not.toMatch(ENGLISH_RUN);
      expect(en).not.toMatch(/[\u4e00-\u9fff]/);
      expect(en).toBe((err as Error).message);
    }
  });

  it('keeps both languages when the error comes back from a build worker (matched by name)', () => {
    const fromWorker = Object.assign(new Error('x / y: the Chinese font (Noto Sans Hans) has no glyph'), {
      name: 'MissingGlyphsError',
      words: new MissingGlyphsError(['𪚥'], 'x / y').words,
    });
    expect(renderErrorText(fromWorker, 'zh')).toBe(
      'x / y：中文字体（Noto Sans Hans）缺少以下 1 个字符：𪚥 (U+2A6A5)',
    );
    expect(renderErrorText(fromWorker, 'en')).toContain('has no glyph for 1 character(s): 𪚥 (U+2A6A5)');
    expect(renderErrorText(new Error('a bug'), 'zh')).toBeNull();
  });
});

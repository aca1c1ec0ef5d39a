import type { Command } from 'commander';
import type { Lang } from '../../diagnostics/types.js';
import { type CliIo, UsageError, UserError } from '../io.js';
import { sayer } from '../lang.js';

/** Default port; `--port 0` picks any free one. */
export const DEFAULT_PORT = 5170;

export function register(program: Command, io: CliIo, setExit: (code: number) => void, lang: Lang): void {
  const t = sayer(lang);
  program
    .command('preview')
    .description(
      t(
        '在浏览器中预览规程（仅本机 127.0.0.1）：问题、发布的文件、流程图、表格、规则变更和模拟运行，保存文件后自动更新',
        'preview the SOPs in a browser (127.0.0.1 only): problems, the issued document, diagram, forms, rule changes and a simulator, updated on every save',
      ),
    )
    .argument('[paths...]', t('规程文件或文件夹', 'SOP files or folders'), ['sops'])
    .option(
      '--port <port>',
      t('端口（0 表示任选一个空闲端口）', 'port (0: any free port)'),
      String(DEFAULT_PORT),
    )
    .option('--lang <lang>', t('zh（中文）或 en（英文）', 'zh or en'), 'zh')
    .action(async (paths: string[], opts: { port: string }) => {
      if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535)
        throw new UsageError(
          t(
            `--port 须是 0 到 65535 之间的整数，不能是 “${opts.port}”`,
            `--port must be a whole number from 0 to 65535, not "${opts.port}"`,
          ),
        );
      const { startPreview } = await import('../../preview/server.js');
      let server: Awaited<ReturnType<typeof startPreview>>;
      try {
        server = await startPreview({ paths, cwd: io.cwd, lang, port: Number(opts.port) });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException)?.code;
        if (code === 'EADDRINUSE' || code === 'EACCES')
          throw new UserError(
            t(
              `端口 ${opts.port} 已被占用或不允许使用；换一个端口（--port 5171），或用 --port 0 任选一个`,
              `port ${opts.port} is in use or not allowed; choose another (--port 5171), or --port 0 for any free one`,
            ),
          );
        throw err;
      }
      const state = server.session.current();
      io.stdout(
        t(
          `规程预览已打开：${server.url}\n（${state.files.length} 个文件；保存文件后页面自动更新；按 Ctrl-C 结束）\n`,
          `SOP preview at ${server.url}\n(${state.files.length} files; the page updates when a file is saved; Ctrl-C to stop)\n`,
        ),
      );
      await new Promise<void>((done) => {
        io.onSignal?.(async () => {
          await server.close();
          io.stderr(t('预览已结束\n', 'preview stopped\n'));
          done();
        });
      });
      setExit(0);
    });
}

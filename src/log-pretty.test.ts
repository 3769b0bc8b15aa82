import { formatPrettyLine } from './log-pretty';
import { createLogger, logFormatFor } from './logger';

describe('pretty log lines', () => {
  it('writes one short line: time, level, module, message, then the other fields', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(l) }, { format: 'pretty' });
    logger.child({ module: 'store' }).info({ dataDir: './data', applied: [1, 2] }, 'database migrated');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}store database migrated dataDir=\.\/data applied=\[1,2\]\n$/,
    );
  });

  it('shows an error as type, code and message on the same line, never a stack', () => {
    const line = formatPrettyLine(
      JSON.stringify({
        level: 50,
        time: 0,
        msg: 'start failed',
        err: { type: 'AppError', code: 'CONFIG_INVALID', message: 'bad', stack: 'at x' },
      }),
      { colour: false },
    );
    expect(line).toBe('00:00:00.000 ERROR start failed AppError [CONFIG_INVALID]: bad\n');
  });

  it('cuts long values and colours only when asked', () => {
    const long = formatPrettyLine(JSON.stringify({ level: 30, time: 0, msg: 'm', blob: 'x'.repeat(500) }), {
      colour: false,
    });
    expect(long.length).toBeLessThan(220);
    expect(formatPrettyLine(JSON.stringify({ level: 40, time: 0, msg: 'm' }), { colour: true })).toContain(
      '\x1b[33mWARN',
    );
  });

  it('redacts secrets in pretty lines too', () => {
    const lines: string[] = [];
    createLogger('info', { write: (l: string) => void lines.push(l) }, { format: 'pretty' }).info(
      { token: 'xoxb-secret' },
      'x',
    );
    expect(lines[0]).not.toContain('xoxb-secret');
  });

  it('chooses pretty on a terminal unless LOG_FORMAT says otherwise', () => {
    expect(logFormatFor(undefined, true)).toBe('pretty');
    expect(logFormatFor(undefined, false)).toBe('json');
    expect(logFormatFor('json', true)).toBe('json');
    expect(logFormatFor('pretty', false)).toBe('pretty');
  });
});

import { REPLACEMENT, sanitizeJson } from './sanitize';

describe('sanitizeJson', () => {
  it('returns a clean value as it came, not a copy', () => {
    const clean = { labels: { alertname: 'Up', job: 'api' }, list: ['a', 'b'], n: 1, none: null };
    const out = sanitizeJson(clean);
    expect(out.value).toBe(clean);
    expect(out.value.labels).toBe(clean.labels);
    expect(out.paths).toEqual([]);
  });

  it('copies only the branches that changed and never touches the input', () => {
    const input = {
      keep: { a: 'x' },
      labels: { ok: 'fine', 'bad\u0000key': 'v', job: 'a\ud800b' },
      list: ['ok', 'x\u0007', 'ok'],
    };
    const out = sanitizeJson(input);
    expect(out.value).not.toBe(input);
    expect(out.value.keep).toBe(input.keep);
    expect(out.value.labels).toEqual({ ok: 'fine', [`bad${REPLACEMENT}key`]: 'v', job: `a${REPLACEMENT}b` });
    expect(Object.keys(out.value.labels)).toEqual(['ok', `bad${REPLACEMENT}key`, 'job']);
    expect(out.value.list).toEqual(['ok', `x${REPLACEMENT}`, 'ok']);
    expect(input.labels.job).toBe('a\ud800b');
    expect(input.list[1]).toBe('x\u0007');
    expect(out.paths).toEqual([`labels.bad${REPLACEMENT}key`, 'labels.job', 'list[1]']);
  });
});

import { compileRules } from './compile';
import { routeAlert } from './route';
import { formatProblem, type RuleSet } from './types';

const files = (...contents: string[]) => contents.map((content, i) => ({ path: `rules/${i}0.yml`, content }));

function ruleSet(...contents: string[]): RuleSet {
  const result = compileRules(files(...contents));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.ruleSet;
}

function problems(...contents: string[]): string[] {
  const result = compileRules(files(...contents));
  return result.ok ? [] : result.problems.map(formatProblem);
}

const TARGETS = `
version: 1
targets:
  - name: api-prod
    backend: webhook
    settings: {url: "https://deploy.example.invalid/rollback", secret_env: MOGO_EXAMPLE_WEBHOOK_SECRET}
  - name: web-prod
    backend: kubernetes
    settings: {namespace: web, name: frontend}
    attach: {from_alerts: true, matchers: ['service="web"', 'env!="staging"']}
roles:
  - name: sre
    usergroups: [S0SRE]
    permissions: [{action: rollback}]
windows:
  - name: office
    days: [mon-fri]
`;

const RULES = `
version: 1
roles:
  - name: leads
    users: [U0LEAD]
    permissions: [{action: approve, targets: ["api-*"]}]
rules:
  - name: api
    match: ['service="api"']
    rollback_target: api-prod
    when: {inside: office}
  - name: web
    match: ['service="web"']
`;

describe('targets, roles and windows merged across files', () => {
  const rules = ruleSet(TARGETS, RULES);

  test('are exposed in load order, with the rollback schema defaults applied, frozen', () => {
    expect(rules.targets.map((t) => t.name)).toEqual(['api-prod', 'web-prod']);
    expect(rules.targets[0]).toMatchObject({
      environment: 'production',
      approval: false,
      settings: { timeout_seconds: 30 },
    });
    expect(rules.roles.map((r) => r.name)).toEqual(['sre', 'leads']);
    expect(rules.roles[1]!.permissions[0]).toEqual({ action: 'approve', targets: ['api-*'] });
    expect(rules.windows.map((w) => w.name)).toEqual(['office']);
    expect(Object.isFrozen(rules.targets[0]!.settings)).toBe(true);
  });

  test('a window declared in one file is used by a rule in another', () => {
    expect(rules.rules[0]!.when?.window).toBe(rules.windows[0]);
  });
});

describe('Routing.rollbackTarget', () => {
  const rules = ruleSet(TARGETS, RULES);
  const route = (labels: Record<string, string>, annotations: Record<string, string> = {}) =>
    routeAlert(rules, { labels, annotations }, new Date('2026-03-27T10:00:00Z'));

  test("the first applied rule's rollback_target", () => {
    const r = route({ service: 'api', rollback_target: 'web-prod' });
    expect(r.rollbackTarget).toBe('api-prod');
    expect(r.explain).toContain('rollback target api-prod (rule api)');
  });

  test('a rule outside its window does not attach its target', () => {
    const saturday = routeAlert(
      rules,
      { labels: { service: 'api' }, annotations: {} },
      new Date('2026-03-28T10:00:00Z'),
    );
    expect(saturday.rollbackTarget).toBeNull();
  });

  test('else the rollback_target label, else the annotation, when it names a declared target', () => {
    expect(route({ service: 'web', rollback_target: 'web-prod' }).rollbackTarget).toBe('web-prod');
    expect(route({ service: 'web' }, { rollback_target: 'web-prod' })).toMatchObject({
      rollbackTarget: 'web-prod',
      explain: expect.arrayContaining(['rollback target web-prod (annotation rollback_target)']),
    });
    expect(
      route({ service: 'web', rollback_target: 'web-prod' }, { rollback_target: 'api-prod' }).rollbackTarget,
    ).toBe('web-prod');
  });

  test('only a target that allows it can be attached by an alert, and only by an alert its matchers match', () => {
    const rulesOnly = route({ service: 'checkout', rollback_target: 'api-prod' });
    expect(rulesOnly.rollbackTarget).toBeNull();
    expect(rulesOnly.explain).toContain(
      'rollback_target label "api-prod": target api-prod is attached by rules only (attach.from_alerts): no rollback',
    );
    const unrelated = route({ service: 'checkout' }, { rollback_target: 'web-prod' });
    expect(unrelated.rollbackTarget).toBeNull();
    expect(unrelated.explain).toContain(
      'rollback_target annotation "web-prod": the alert does not match target web-prod\'s attach.matchers: no rollback',
    );
    expect(route({ service: 'web', env: 'staging', rollback_target: 'web-prod' }).rollbackTarget).toBeNull();
    expect(rules.targets[0]!.attach).toEqual({ fromAlerts: false, matchers: [] });
  });

  test('attach problems are reported at file:line:column', () => {
    const bad = (attach: string) =>
      problems(
        TARGETS.replace(
          'attach: {from_alerts: true, matchers: [\'service="web"\', \'env!="staging"\']}',
          attach,
        ),
      );
    expect(bad('attach: {from_alerts: true}')).toEqual([
      'rules/00.yml:10:13: target "web-prod": attach.matchers must list at least one matcher (e.g. service="checkout") when from_alerts is true: otherwise any alert could attach this target',
    ]);
    expect(bad('attach: {from_alerts: true, matchers: [\'service=~"("\']}')[0]).toMatch(
      /^rules\/00\.yml:10:\d+: /,
    );
    expect(bad('attach: {from_alert: true}')[0]).toMatch(
      /^rules\/00\.yml:10:\d+: .*unknown field "from_alert"/,
    );
  });

  test('an undeclared name gives no target (no Rollback button), and says so', () => {
    const r = route({ rollback_target: 'nope' });
    expect(r.rollbackTarget).toBeNull();
    expect(r.explain).toContain('rollback_target label "nope" names no declared target: no rollback');
    expect(route({}).rollbackTarget).toBeNull();
  });
});

describe('problems across files', () => {
  test('a rollback_target naming an undeclared target, at file:line:column', () => {
    expect(problems(TARGETS, RULES.replace('rollback_target: api-prod', 'rollback_target: api-prd'))).toEqual(
      [
        'rules/10.yml:10:22: rule "api": rollback_target "api-prd" is not declared under "targets:" in any rule file (did you mean "api-prod"?); declared: api-prod, web-prod',
      ],
    );
    expect(problems(RULES.replace('when: {inside: office}', ''))).toEqual([
      'rules/00.yml:10:22: rule "api": rollback_target "api-prod" is not declared under "targets:" in any rule file; none is declared',
    ]);
  });

  test('an undeclared window, from a rule or a maintenance entry', () => {
    const maintenance = 'version: 1\nmaintenance:\n  - name: m\n    window: offce\n    action: hold\n';
    expect(problems(TARGETS, RULES.replace('inside: office', 'outside: ofice'), maintenance)).toEqual([
      'rules/10.yml:11:21: rule "api": window "ofice" is not declared under "windows:" in any rule file (did you mean "office"?); declared: office',
      'rules/20.yml:4:13: maintenance "m": window "offce" is not declared under "windows:" in any rule file (did you mean "office"?); declared: office',
    ]);
  });

  test('duplicate target, role, window and maintenance names across files', () => {
    const again = `
version: 1
targets:
  - {name: api-prod, backend: kubernetes, settings: {namespace: a, name: b}}
roles:
  - {name: sre, permissions: [{action: rollback}]}
windows:
  - {name: office, from: "08:00"}
maintenance:
  - {name: m, action: hold, start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z"}
  - {name: m, action: hold, start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z"}
`;
    expect(problems(TARGETS, again).map((p) => p.replace(/ at rules\/\S+;/, ' at …;'))).toEqual([
      'rules/10.yml:4:12: target "api-prod": duplicate target name, already used at …; target names must be unique across all files',
      'rules/10.yml:6:12: role "sre": duplicate role name, already used at …; role names must be unique across all files',
      'rules/10.yml:8:12: window "office": duplicate window name, already used at …; window names must be unique across all files',
      'rules/10.yml:11:12: maintenance "m": duplicate maintenance name, already used at …; maintenance names must be unique across all files',
    ]);
  });

  test('a target with a problem is still declared, so rules naming it get no second problem', () => {
    const broken = TARGETS.replace('secret_env: MOGO_EXAMPLE_WEBHOOK_SECRET', 'secret_env: lower');
    expect(problems(broken, RULES)).toEqual([
      'rules/00.yml:6:76: target "api-prod": "settings.secret_env" must be an environment variable name such as GITHUB_TOKEN',
    ]);
  });
});

import { AppError } from '../../errors';

/** The few fields of Kubernetes objects the rollback reads; everything else is carried along untouched. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ uid: string; controller?: boolean; kind?: string; name?: string }>;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; [k: string]: unknown };
  spec?: { containers?: Array<{ name: string; image?: string }>; [k: string]: unknown };
}

export interface ReplicaSet {
  metadata: ObjectMeta;
  spec: { template: PodTemplate; replicas?: number };
}

export interface Condition {
  type: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** A Deployment or an Argo Rollout: both own ReplicaSets made from `spec.template`. */
export interface Workload {
  metadata: ObjectMeta;
  spec: {
    replicas?: number;
    paused?: boolean;
    selector?: { matchLabels?: Record<string, string> };
    template: PodTemplate;
    workloadRef?: unknown;
  };
  status?: Record<string, unknown> & { conditions?: Condition[] };
}

export const DEPLOYMENT_REVISION = 'deployment.kubernetes.io/revision';
export const ROLLOUT_REVISION = 'rollout.argoproj.io/revision';
export const DEPLOYMENT_HASH_LABEL = 'pod-template-hash';
export const ROLLOUT_HASH_LABEL = 'rollouts-pod-template-hash';

export interface RevisionChoice {
  current: number;
  target: ReplicaSet;
  targetRevision: number;
}

/** The label selector for listing: matchLabels only; ownership, checked after, is what really decides. */
export function selectorOf(w: Workload): string {
  return Object.entries(w.spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** ReplicaSets whose controller owner reference is `owner` (what metav1.IsControlledBy checks). */
export function ownedBy(rss: ReplicaSet[], owner: Workload): ReplicaSet[] {
  const uid = owner.metadata.uid;
  return rss.filter((rs) =>
    rs.metadata.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid),
  );
}

export function revisionOf(meta: ObjectMeta, annotation: string): number | undefined {
  const raw = meta.annotations?.[annotation];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * The revision to go back to, as `kubectl rollout undo` picks it: the current revision is the workload's own
 * revision annotation (the newest owned ReplicaSet's when absent) and the target is the highest owned
 * revision below it.
 */
export function previousRevision(
  w: Workload,
  owned: ReplicaSet[],
  annotation: string,
  what: string,
): RevisionChoice {
  const ranked = owned
    .map((rs) => ({ rs, revision: revisionOf(rs.metadata, annotation) }))
    .filter((x): x is { rs: ReplicaSet; revision: number } => x.revision !== undefined)
    .sort((a, b) => b.revision - a.revision);
  const current = revisionOf(w.metadata, annotation) ?? ranked[0]?.revision;
  const target = ranked.find((x) => current !== undefined && x.revision < current);
  if (current === undefined || target === undefined) {
    throw new AppError(
      'ROLLBACK_REFUSED',
      `${what} has no previous revision to roll back to${current === undefined ? '' : ` (current revision ${current})`}`,
      { details: { currentRevision: current, ownedReplicaSets: owned.length } },
    );
  }
  return { current, target: target.rs, targetRevision: target.revision };
}

/** The ReplicaSet's pod template without the hash label the controller added, ready to patch back. */
export function restorableTemplate(rs: ReplicaSet, hashLabel: string): PodTemplate {
  const template = structuredClone(rs.spec.template);
  if (template.metadata?.labels) {
    delete template.metadata.labels[hashLabel];
  }
  return template;
}

export function sameTemplate(a: PodTemplate, b: PodTemplate, hashLabel: string): boolean {
  const strip = (t: PodTemplate): PodTemplate =>
    restorableTemplate({ metadata: { name: '' }, spec: { template: t } }, hashLabel);
  return canonical(strip(a)) === canonical(strip(b));
}

/** The plan shown in the confirm dialog for a revision undo: "api: revision 7 -> 6 (api: shop:1.5 -> shop:1.4)". */
export function revisionPlan(
  name: string,
  current: number,
  targetRevision: number,
  from: PodTemplate,
  to: PodTemplate,
): { summary: string; fromRevision: string; toRevision: string } {
  const change = imageChange(from, to);
  return {
    summary: `${name}: revision ${current} -> ${targetRevision}${change ? ` (${change})` : ''}`,
    fromRevision: String(current),
    toRevision: String(targetRevision),
  };
}

/** "api: shop:1.5.0 -> shop:1.4.2" for the containers whose image differs; "" when none does. */
export function imageChange(from: PodTemplate, to: PodTemplate): string {
  const before = new Map((from.spec?.containers ?? []).map((c) => [c.name, c.image ?? '?']));
  return (to.spec?.containers ?? [])
    .filter((c) => before.get(c.name) !== c.image)
    .map((c) => `${c.name}: ${before.get(c.name) ?? '(none)'} -> ${c.image ?? '?'}`)
    .join(', ');
}

export function conditionOf(w: Workload, type: string): Condition | undefined {
  return w.status?.conditions?.find((c) => c.type === type);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

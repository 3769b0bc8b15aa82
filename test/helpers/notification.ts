/**
 * An Alertmanager notification for one group `{alertname, group}` holding one alert, summarised
 * "<alertname> <group>": what the process-level tests send when they count Slack messages per group.
 */
export function oneAlertNotification(
  alertname: string,
  group: string,
  status: 'firing' | 'resolved',
): string {
  const labels = { alertname, group };
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="${alertname}", group="${group}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'mogo',
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: { summary: `${alertname} ${group}` },
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status,
        labels: { ...labels, instance: 'i0' },
        annotations: {},
        startsAt: '2026-12-04T10:00:00Z',
        endsAt: status === 'resolved' ? '2026-12-04T10:05:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus/graph',
        fingerprint: group.padEnd(16, '0'),
      },
    ],
  });
}

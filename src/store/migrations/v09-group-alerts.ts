import type { Migration } from './migration';

/** A group's alerts one row each, and the group's summary in its row (9). Append-only: never edit a released migration. */
export const GROUP_ALERTS: readonly Migration[] = [
  {
    version: 9,
    name: 'group_alerts',
    statements: [
      // a group's alerts one row each, so no row is megabytes (issue 8); no foreign key, so tests may still
      // TRUNCATE alert_groups alone: the store clears a group's rows when it creates the group
      `CREATE TABLE group_alerts (
        group_id text NOT NULL,
        fingerprint text NOT NULL,
        pos int NOT NULL,
        firing boolean NOT NULL,
        alert jsonb NOT NULL,
        PRIMARY KEY (group_id, fingerprint)
      )`,
      // display order: firing first, then the group's own
      'CREATE INDEX group_alerts_shown_idx ON group_alerts (group_id, firing DESC, pos)',
      `INSERT INTO group_alerts (group_id, fingerprint, pos, firing, alert)
        SELECT g.id, a.alert->>'fingerprint', a.pos - 1, a.alert->>'status' = 'firing', a.alert
        FROM alert_groups g CROSS JOIN LATERAL jsonb_array_elements(g.state->'alerts') WITH ORDINALITY AS a(alert, pos)
        ON CONFLICT DO NOTHING`,
      // the row keeps what the alerts come to (domain/group.ts AlertsSummary), as summarySteps computes it
      `UPDATE alert_groups g SET state = jsonb_set(g.state, '{alerts}', '[]'::jsonb) || jsonb_build_object(
          'allAlerts', jsonb_build_object(
            'count', s.n,
            'firing', s.firing,
            'labels', (SELECT coalesce(jsonb_object_agg(c.key, c.value), '{}'::jsonb) FROM (
              SELECT l.key, l.value FROM group_alerts a CROSS JOIN LATERAL jsonb_each(a.alert->'labels') l
              WHERE a.group_id = g.id GROUP BY l.key, l.value HAVING count(*) = s.n) c),
            'annotations', (SELECT coalesce(jsonb_object_agg(c.key, c.value), '{}'::jsonb) FROM (
              SELECT l.key, l.value FROM group_alerts a CROSS JOIN LATERAL jsonb_each(a.alert->'annotations') l
              WHERE a.group_id = g.id GROUP BY l.key, l.value HAVING count(*) = s.n) c),
            'generatorURL', (SELECT CASE WHEN count(DISTINCT u.url) = 1 THEN to_jsonb(min(u.url)) ELSE 'null'::jsonb END
              FROM (SELECT a.alert->>'generatorURL' AS url FROM group_alerts a WHERE a.group_id = g.id) u
              WHERE u.url <> ''),
            'first', coalesce((SELECT jsonb_strip_nulls(jsonb_build_object(
                'alertname', a.alert->'labels'->'alertname', 'summary', a.alert->'annotations'->'summary'))
              FROM group_alerts a WHERE a.group_id = g.id ORDER BY a.pos LIMIT 1), '{}'::jsonb)))
        FROM (SELECT g2.id, count(a.group_id) AS n, count(*) FILTER (WHERE a.firing) AS firing
          FROM alert_groups g2 LEFT JOIN group_alerts a ON a.group_id = g2.id GROUP BY g2.id) s
        WHERE s.id = g.id`,
    ],
  },
];

import { formatReport, reportFileBase } from '../incidents/report/format';
import type { Chat, ReportDelivery } from '../ports';
import { reportComment } from './blocks/report-text';

/** A report reaches its requester as two files in their direct messages with mogo (or in a channel). */
export function createSlackReportDelivery(chat: Chat): ReportDelivery {
  return {
    async deliver(job, report) {
      const base = reportFileBase(report);
      await chat.uploadFile(job.deliverTo, {
        filename: `${base}.md`,
        title: 'mogo report (summary)',
        content: formatReport(report, 'md'),
        comment: reportComment(report),
      });
      await chat.uploadFile(job.deliverTo, {
        filename: `${base}.csv`,
        title: 'mogo report (figures)',
        content: formatReport(report, 'csv'),
      });
    },
  };
}

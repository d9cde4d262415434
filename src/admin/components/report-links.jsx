// "Open the report": links to the staff-only report endpoints (/v1/admin/jobs/:id/report.html|json).
import React from 'react';
import { Box, Label, Link, Text } from '@adminjs/design-system';

const ReportLinks = (props) => {
  const { record, resource } = props;
  const isJob = resource.id === 'Job';
  const jobId = isJob ? record.params.id : record.params.jobId;
  const ready = !isJob || record.params.status === 'succeeded';
  return (
    <Box mb="xl" data-testid="report-links">
      <Label>Report</Label>
      {ready ? (
        <Text>
          <Link href={`/v1/admin/jobs/${jobId}/report.html`} target="_blank" rel="noopener noreferrer">
            Open the report
          </Link>{' '}
          ·{' '}
          <Link href={`/v1/admin/jobs/${jobId}/report.json`} target="_blank" rel="noopener noreferrer">
            JSON
          </Link>
        </Text>
      ) : (
        <Text>No report: the job is {record.params.status}.</Text>
      )}
    </Box>
  );
};

export default ReportLinks;

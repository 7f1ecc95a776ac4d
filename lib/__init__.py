"""Site plumbing that is no domain: mail sending, task retry, the outage handler, health,
the spreadsheet-formula guard, QR rendering, status-transition errors. One module per subject."""

-- Where each alert rule comes from, so reloading the rule file replaces only its own rules: `code`
-- (saveAlertRules), `api` (PUT /api/alerts/rules/:name) or `file` (the rule file, with its group).
ALTER TABLE alert_rules
  ADD COLUMN origin     text NOT NULL DEFAULT 'code' CHECK (origin IN ('code', 'api', 'file')),
  ADD COLUMN rule_group text;

-- Threshold-check alerts (no rule) are listed and resolved by fingerprint, open ones first.
CREATE INDEX alerts_open_threshold_idx ON alerts (fingerprint, triggered_at DESC)
  WHERE rule_name IS NULL AND fingerprint IS NOT NULL AND resolved_at IS NULL;

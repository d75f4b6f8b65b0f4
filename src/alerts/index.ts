// `pgtel/alerts`: alert rules and their evaluation, notifiers and the outbox, silences, and the four
// threshold checks with their one-off delivery.
export {
  type AlertInstance,
  getAlertHistory,
  type HistoryEntry,
  listAlertInstances,
} from './alertQueries.js';
export { AlertmanagerNotifier, type AlertmanagerNotifierOptions } from './notifiers/AlertmanagerNotifier.js';
export { ChatNotifier, type ChatNotifierOptions } from './notifiers/ChatNotifier.js';
export { LogNotifier } from './notifiers/LogNotifier.js';
export type { Notification, NotificationAlert, Notifier, SendContext } from './notifiers/Notifier.js';
export type { NotifierOutcome } from './notifiers/sendNow.js';
export { WebhookNotifier, type WebhookNotifierOptions } from './notifiers/WebhookNotifier.js';
export { notifiersFromConfig } from './notifiersFromConfig.js';
export {
  type DispatchOptions,
  type DispatchOutcome,
  dispatchOutbox,
  requeueFailedNotifications,
} from './outbox/dispatchOutbox.js';
export { type ResendOptions, resendToAlertmanager } from './outbox/resendToAlertmanager.js';
export { type PruneOptions, pruneAlertData } from './pruneAlertData.js';
export type {
  AlertRule,
  AlertRuleDefinition,
  Comparison,
  ErrorBehaviour,
  LabelMap,
  NoDataBehaviour,
  RuleLevel,
  RuleSource,
} from './rules/AlertRule.js';
export { type EvaluateOptions, type EvaluationSummary, evaluateDueRules } from './rules/evaluateDueRules.js';
export {
  type ApplyFileRulesOptions,
  type ApplyFileRulesResult,
  applyFileRules,
  applyRuleFile,
} from './rules/file/applyFileRules.js';
export { type FileRule, type ParsedRuleFile, parseRuleFile } from './rules/file/parseRuleFile.js';
export type { RuleFileProblem, RuleKind } from './rules/file/RuleKind.js';
export { RuleFileError } from './rules/file/readRuleFile.js';
export { ALERT_STATES, type AlertState } from './rules/InstanceState.js';
export {
  evaluateRecordingRules,
  type RecordingOptions,
  type RecordingSummary,
} from './rules/recording/evaluateRecordingRules.js';
export type { FileRecordingRule, RecordingRule } from './rules/recording/RecordingRule.js';
export { listRecordingRules, type StoredRecordingRule } from './rules/recording/recordingRuleStore.js';
export {
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  type RuleOrigin,
  type StoredRule,
  saveAlertRules,
} from './rules/ruleStore.js';
export { type RuleProblem, RuleValidationError } from './rules/validateRule.js';
export { SEVERITIES, type Severity } from './Severity.js';
export { sendTestAlert } from './sendTestAlert.js';
export type { Silence, SilenceMatcher } from './silences/Silence.js';
export { createSilence, expireSilence, listSilences, type NewSilence } from './silences/silenceStore.js';
export { ALERT_TYPES, type Alert, type AlertType, type StoredAlert } from './thresholds/Alert.js';
export {
  AlertThresholdChecker,
  type AlertThresholdCheckerOptions,
} from './thresholds/AlertThresholdChecker.js';
export { acknowledgeAlert } from './thresholds/acknowledgeAlert.js';
export { type AlertThresholds, defaultAlertThresholds } from './thresholds/alertThresholds.js';
export { type DeliverAlertOptions, type DeliveryResult, deliverAlert } from './thresholds/deliverAlert.js';
export { getRecentAlerts, type RecentAlertsQuery } from './thresholds/getRecentAlerts.js';
export {
  type ResolveOptions,
  resolveAlert,
  resolveThresholdAlert,
} from './thresholds/resolveThresholdAlert.js';
export { thresholdTitle } from './thresholds/thresholdAlerts.js';

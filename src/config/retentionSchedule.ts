/**
 * How long each kind of record is kept, in days, and the rule behind each default:
 * - certificate and audit records: 5 years (전자금융거래법 제22조, 시행령 제12조);
 * - staff access to personal data: at least 2 years (개인정보의 안전성 확보조치 기준 제8조);
 * - transcripts: 90 days (they live in Redis with the conversation, whose time to live is shorter);
 * - consents: as long as the relationship (the customer has an active certificate here), plus 5 years.
 */
export interface RetentionSchedule {
  readonly recordsDays: number;
  readonly staffAccessDays: number;
  readonly transcriptDays: number;
  readonly consentDaysAfterRelationship: number;
}

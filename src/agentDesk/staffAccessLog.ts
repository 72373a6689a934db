/**
 * Staff opening a customer's conversation (개인정보의 안전성 확보조치 기준 제8조): who, which
 * conversation, what they saw, when and why. Kept two years, reviewed by supervisors.
 */
export interface StaffAccess {
  readonly at: Date;
  readonly staffId: string;
  readonly conversationId: string;
  /** What was opened: the transcript, for now. */
  readonly what: 'transcript';
  /** Why the desk opened it: deciding to take it from the queue, serving it, or a supervisor's review. */
  readonly why: 'queued' | 'assigned' | 'supervision';
}

export interface StaffAccessLog {
  record(access: StaffAccess): Promise<void>;
}

/** In one process (tests), the newest first. */
export class MemoryStaffAccessLog implements StaffAccessLog {
  readonly entries: StaffAccess[] = [];

  async record(access: StaffAccess): Promise<void> {
    this.entries.unshift(access);
    this.entries.length = Math.min(this.entries.length, 10_000);
  }
}

/** A customer's reply to the feedback message, kept once per inbound message. */
export interface FeedbackReply {
  inboundMessageId: string;
  jobId: number;
  /** The job's customer when it has one (a job without a usable mobile has none). */
  customerId: number | null;
  /** 1 to 5; null only on replies stored before a reply had to read as a score (issue 21). */
  score: number | null;
  text: string;
  receivedAt: Date;
}

/** A page of the feedback list, newest first: replies recorded before `before` (a FeedbackEntry's `feedbackId`), at most `limit`. */
export interface FeedbackPage {
  before?: number;
  limit: number;
}

/** A stored reply with its place in the list: `feedbackId` grows with every reply recorded. */
export interface FeedbackEntry extends FeedbackReply {
  feedbackId: number;
}

export interface CustomerFeedback {
  /** Stores a reply once per `inboundMessageId`; a repeat returns 'duplicate' and changes nothing. */
  record(reply: FeedbackReply): Promise<'recorded' | 'duplicate'>;
  get(inboundMessageId: string): Promise<FeedbackReply | undefined>;
  /** The job's replies, oldest first. */
  forJob(jobId: number): Promise<FeedbackReply[]>;
  /** Replies newest first by key range on `feedbackId`, so a page costs the same however deep it is. */
  list(page: FeedbackPage): Promise<FeedbackEntry[]>;
}

/** Replies' scores in one UTC quarter hour (every zone's hours, days and months are whole quarter hours). */
export interface QuarterScores {
  quarterStart: Date;
  count: number;
  sum: number;
}

/** What the console's feedback screen reads (issue 24). */
export interface FeedbackReports {
  /** Scored replies received in [start, end), per quarter hour, in order. */
  scoresByQuarter(start: Date, end: Date): Promise<QuarterScores[]>;
  /** Replies scored `maxScore` or less, newest first, feedbackId below `before`. */
  lowScores(maxScore: number, page: FeedbackPage): Promise<FeedbackEntry[]>;
}

/** A customer's reply to the feedback SMS, kept once per inbound Vonage message. */
export interface FeedbackReply {
  inboundMessageId: string;
  jobId: number;
  /** 1 to 5, or null when the reply holds no score. */
  score: number | null;
  text: string;
  receivedAt: Date;
}

export interface CustomerFeedback {
  /** Stores a reply once per `inboundMessageId`; a repeat returns 'duplicate' and changes nothing. */
  record(reply: FeedbackReply): Promise<'recorded' | 'duplicate'>;
  get(inboundMessageId: string): Promise<FeedbackReply | undefined>;
  /** The job's replies, oldest first. */
  forJob(jobId: number): Promise<FeedbackReply[]>;
}

-- 0021: a delivered message no longer keeps its attachment's bytes (a
-- digest's chart, about 35 KB each, was most of a year-old file): MarkSent
-- drops them in the statement that marks it sent. This index finds the
-- delivered messages of older versions that still hold them, so that the
-- nightly retention job clears them a bounded batch at a time
-- (ClearSentAttachments). Rows leave it as they are cleared; new ones never
-- enter. The predicate is the storage package's hasAttachmentData.
CREATE INDEX outbox_sent_attachments ON outbox (house_id) WHERE status = 'sent' AND instr(payload, '"data":"') > 0;

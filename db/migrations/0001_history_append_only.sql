-- The audit history of a figure is append-only: nobody may rewrite or erase what was recorded.
CREATE TRIGGER `figure_history_no_update` BEFORE UPDATE ON `figure_history`
BEGIN
  SELECT RAISE(ABORT, 'figure_history is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `figure_history_no_delete` BEFORE DELETE ON `figure_history`
BEGIN
  SELECT RAISE(ABORT, 'figure_history is append-only');
END;

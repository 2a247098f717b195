CREATE TABLE `briefing_books` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period` text NOT NULL,
	`language` text NOT NULL,
	`state` text NOT NULL,
	`progress` integer DEFAULT 0 NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` text NOT NULL,
	`started_at` text,
	`heartbeat_at` text NOT NULL,
	`finished_at` text,
	`data_version` text,
	`pages` integer,
	`bytes` integer,
	`pdf` blob,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `briefing_books_month` ON `briefing_books` (`period`,`language`,`id`);
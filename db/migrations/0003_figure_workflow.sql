CREATE TABLE `period_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period` text NOT NULL,
	`action` text NOT NULL,
	`reason` text,
	`actor` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `figures` ADD `submitted_at` text;--> statement-breakpoint
ALTER TABLE `figures` ADD `submitted_by` text;--> statement-breakpoint
ALTER TABLE `figures` ADD `reviewed_at` text;--> statement-breakpoint
ALTER TABLE `figures` ADD `reviewed_by` text;--> statement-breakpoint
ALTER TABLE `figures` ADD `review_comment` text;
CREATE TABLE `commentary` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject` text NOT NULL,
	`entity_code` text NOT NULL,
	`kpi_code` text NOT NULL,
	`period` text NOT NULL,
	`analysis` text NOT NULL,
	`recommendation` text DEFAULT '' NOT NULL,
	`language` text NOT NULL,
	`state` text NOT NULL,
	`author` text NOT NULL,
	`written_at` text NOT NULL,
	`reviewer` text,
	`reviewed_at` text,
	`review_note` text
);
--> statement-breakpoint
CREATE INDEX `commentary_subject` ON `commentary` (`entity_code`,`period`,`kpi_code`,`subject`,`id`);--> statement-breakpoint
CREATE TABLE `plan_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`title` text NOT NULL,
	`owner` text NOT NULL,
	`due_month` text NOT NULL,
	`state` text NOT NULL,
	`progress` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `plan_actions_plan` ON `plan_actions` (`plan_id`);--> statement-breakpoint
CREATE TABLE `plan_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	`note` text,
	`snapshot` text NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `plan_events_plan` ON `plan_events` (`plan_id`,`id`);--> statement-breakpoint
CREATE TABLE `plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entity_code` text NOT NULL,
	`kpi_code` text NOT NULL,
	`period` text NOT NULL,
	`due_at` text NOT NULL,
	`state` text NOT NULL,
	`summary` text NOT NULL,
	`language` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`entity_code`) REFERENCES `entities`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`kpi_code`) REFERENCES `kpis`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `plans_entity_kpi` ON `plans` (`entity_code`,`kpi_code`,`state`);--> statement-breakpoint
CREATE TRIGGER `commentary_no_update` BEFORE UPDATE ON `commentary`
BEGIN
  SELECT RAISE(ABORT, 'commentary is append-only: write a new version');
END;
--> statement-breakpoint
CREATE TRIGGER `commentary_no_delete` BEFORE DELETE ON `commentary`
BEGIN
  SELECT RAISE(ABORT, 'commentary is append-only: write a new version');
END;
--> statement-breakpoint
CREATE TRIGGER `plan_events_no_update` BEFORE UPDATE ON `plan_events`
BEGIN
  SELECT RAISE(ABORT, 'plan events are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `plan_events_no_delete` BEFORE DELETE ON `plan_events`
BEGIN
  SELECT RAISE(ABORT, 'plan events are append-only');
END;

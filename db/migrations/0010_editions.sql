CREATE TABLE `definition_sets` (
	`hash` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `editions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period` text NOT NULL,
	`number` integer NOT NULL,
	`published_at` text NOT NULL,
	`published_by` text NOT NULL,
	`reason` text,
	`definitions_hash` text NOT NULL,
	`figures` text NOT NULL,
	`figures_hash` text NOT NULL,
	`report` text NOT NULL,
	FOREIGN KEY (`definitions_hash`) REFERENCES `definition_sets`(`hash`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `editions_period_number` ON `editions` (`period`,`number`);--> statement-breakpoint
CREATE TRIGGER `editions_no_update` BEFORE UPDATE ON `editions`
BEGIN
  SELECT RAISE(ABORT, 'editions are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `editions_no_delete` BEFORE DELETE ON `editions`
BEGIN
  SELECT RAISE(ABORT, 'editions are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `definition_sets_no_update` BEFORE UPDATE ON `definition_sets`
BEGIN
  SELECT RAISE(ABORT, 'definition sets are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `definition_sets_no_delete` BEFORE DELETE ON `definition_sets`
BEGIN
  SELECT RAISE(ABORT, 'definition sets are append-only');
END;

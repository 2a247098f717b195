CREATE TABLE `dimensions` (
	`code` text PRIMARY KEY NOT NULL,
	`name_en` text NOT NULL,
	`name_ar` text NOT NULL,
	`position` integer NOT NULL,
	`retired_at` text,
	`synced_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `entities` (
	`code` text PRIMARY KEY NOT NULL,
	`name_en` text NOT NULL,
	`name_ar` text NOT NULL,
	`parent_code` text,
	`sample` integer DEFAULT false NOT NULL,
	`position` integer NOT NULL,
	`retired_at` text,
	`synced_at` text NOT NULL,
	FOREIGN KEY (`parent_code`) REFERENCES `entities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `figure_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`figure_id` integer NOT NULL,
	`action` text NOT NULL,
	`old_value` real,
	`old_numerator` real,
	`old_denominator` real,
	`old_status` text,
	`new_value` real,
	`new_numerator` real,
	`new_denominator` real,
	`new_status` text,
	`comment` text,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`figure_id`) REFERENCES `figures`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `figure_history_figure` ON `figure_history` (`figure_id`);--> statement-breakpoint
CREATE TABLE `figures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entity_code` text NOT NULL,
	`kpi_code` text NOT NULL,
	`period` text NOT NULL,
	`value` real NOT NULL,
	`numerator` real,
	`denominator` real,
	`comment` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`source` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`entered_by` text NOT NULL,
	`entered_at` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`entity_code`) REFERENCES `entities`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`kpi_code`) REFERENCES `kpis`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `figures_entity_kpi_period` ON `figures` (`entity_code`,`kpi_code`,`period`);--> statement-breakpoint
CREATE INDEX `figures_kpi_period` ON `figures` (`kpi_code`,`period`);--> statement-breakpoint
CREATE INDEX `figures_period` ON `figures` (`period`);--> statement-breakpoint
CREATE TABLE `initiatives` (
	`code` text PRIMARY KEY NOT NULL,
	`name_en` text NOT NULL,
	`name_ar` text NOT NULL,
	`pillar_code` text NOT NULL,
	`owner_code` text,
	`position` integer NOT NULL,
	`retired_at` text,
	`synced_at` text NOT NULL,
	FOREIGN KEY (`pillar_code`) REFERENCES `pillars`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_code`) REFERENCES `entities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kpi_dimensions` (
	`kpi_code` text NOT NULL,
	`dimension_code` text NOT NULL,
	PRIMARY KEY(`kpi_code`, `dimension_code`),
	FOREIGN KEY (`kpi_code`) REFERENCES `kpis`(`code`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`dimension_code`) REFERENCES `dimensions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kpi_initiatives` (
	`kpi_code` text NOT NULL,
	`initiative_code` text NOT NULL,
	PRIMARY KEY(`kpi_code`, `initiative_code`),
	FOREIGN KEY (`kpi_code`) REFERENCES `kpis`(`code`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`initiative_code`) REFERENCES `initiatives`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kpi_pillars` (
	`kpi_code` text NOT NULL,
	`pillar_code` text NOT NULL,
	PRIMARY KEY(`kpi_code`, `pillar_code`),
	FOREIGN KEY (`kpi_code`) REFERENCES `kpis`(`code`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`pillar_code`) REFERENCES `pillars`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kpi_policies` (
	`kpi_code` text NOT NULL,
	`policy_code` text NOT NULL,
	PRIMARY KEY(`kpi_code`, `policy_code`),
	FOREIGN KEY (`kpi_code`) REFERENCES `kpis`(`code`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`policy_code`) REFERENCES `policies`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kpi_reporters` (
	`kpi_code` text NOT NULL,
	`entity_code` text NOT NULL,
	PRIMARY KEY(`kpi_code`, `entity_code`),
	FOREIGN KEY (`kpi_code`) REFERENCES `kpis`(`code`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`entity_code`) REFERENCES `entities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kpi_target_entities` (
	`target_id` integer NOT NULL,
	`entity_code` text NOT NULL,
	PRIMARY KEY(`target_id`, `entity_code`),
	FOREIGN KEY (`target_id`) REFERENCES `kpi_targets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`entity_code`) REFERENCES `entities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kpi_targets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kpi_code` text NOT NULL,
	`position` integer NOT NULL,
	`value` real NOT NULL,
	`due` text NOT NULL,
	`scope` text NOT NULL,
	`from_period` text,
	`from_value` real,
	FOREIGN KEY (`kpi_code`) REFERENCES `kpis`(`code`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `kpi_targets_kpi` ON `kpi_targets` (`kpi_code`);--> statement-breakpoint
CREATE TABLE `kpis` (
	`code` text PRIMARY KEY NOT NULL,
	`name_en` text NOT NULL,
	`name_ar` text NOT NULL,
	`description_en` text,
	`description_ar` text,
	`unit` text NOT NULL,
	`direction` text NOT NULL,
	`measure` text NOT NULL,
	`numerator_en` text,
	`numerator_ar` text,
	`denominator_en` text,
	`denominator_ar` text,
	`aggregation` text NOT NULL,
	`weight` real DEFAULT 1 NOT NULL,
	`reporters_all` integer NOT NULL,
	`at_risk_band` real DEFAULT 0.9 NOT NULL,
	`source_file` text NOT NULL,
	`definition_hash` text NOT NULL,
	`position` integer NOT NULL,
	`retired_at` text,
	`synced_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `period_locks` (
	`period` text PRIMARY KEY NOT NULL,
	`locked_by` text NOT NULL,
	`locked_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pillars` (
	`code` text PRIMARY KEY NOT NULL,
	`name_en` text NOT NULL,
	`name_ar` text NOT NULL,
	`position` integer NOT NULL,
	`retired_at` text,
	`synced_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `policies` (
	`code` text PRIMARY KEY NOT NULL,
	`name_en` text NOT NULL,
	`name_ar` text NOT NULL,
	`reference` text,
	`position` integer NOT NULL,
	`retired_at` text,
	`synced_at` text NOT NULL
);

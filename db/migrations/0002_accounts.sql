CREATE TABLE `auth_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`email` text NOT NULL,
	`user_id` integer,
	`ip` text,
	`actor` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `auth_events_email_at` ON `auth_events` (`email`,`at`);--> statement-breakpoint
CREATE INDEX `auth_events_ip_at` ON `auth_events` (`ip`,`at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`ended_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`entity_code` text,
	`password_hash` text NOT NULL,
	`disabled_at` text,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`entity_code`) REFERENCES `entities`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "users_focal_point_entity" CHECK(("users"."role" = 'focal-point') = ("users"."entity_code" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email` ON `users` (`email`);
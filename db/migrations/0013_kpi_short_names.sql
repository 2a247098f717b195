ALTER TABLE `kpis` ADD `short_en` text;--> statement-breakpoint
ALTER TABLE `kpis` ADD `short_ar` text;
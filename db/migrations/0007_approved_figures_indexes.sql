DROP INDEX `figures_kpi_period`;--> statement-breakpoint
CREATE INDEX `figures_approved_by_period` ON `figures` (`period`,`kpi_code`,`entity_code`,`value`,`numerator`,`denominator`) WHERE status = 'approved';--> statement-breakpoint
CREATE INDEX `figures_approved_by_kpi` ON `figures` (`kpi_code`,`period`,`entity_code`,`value`,`numerator`,`denominator`) WHERE status = 'approved';--> statement-breakpoint
CREATE INDEX `figures_waiting_review` ON `figures` (`submitted_at`) WHERE status = 'submitted';
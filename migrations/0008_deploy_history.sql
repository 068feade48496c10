CREATE TABLE `deployed_versions` (
	`server_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`deployed_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `server_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deployed_versions_server_version_idx` ON `deployed_versions` (`server_id`,`version_id`);--> statement-breakpoint
ALTER TABLE `deployments` ADD `last_deploy` text;
CREATE TABLE `namespaces` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`owner_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`owner_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `namespaces_name_unique` ON `namespaces` (`name`);--> statement-breakpoint
CREATE TABLE `server_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`server_id` integer NOT NULL,
	`version` text NOT NULL,
	`source` text NOT NULL,
	`manifest` text NOT NULL,
	`server_json` text NOT NULL,
	`run_kind` text,
	`deployable` integer NOT NULL,
	`not_deployable_reason` text,
	`config_schema` text,
	`example_config` text,
	`artifact_sha256` text,
	`status` text DEFAULT 'active' NOT NULL,
	`is_latest` integer DEFAULT false NOT NULL,
	`published_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `server_versions_server_version_idx` ON `server_versions` (`server_id`,`version`);--> statement-breakpoint
CREATE INDEX `server_versions_updated_idx` ON `server_versions` (`updated_at`);--> statement-breakpoint
CREATE TABLE `servers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`namespace_id` integer NOT NULL,
	`qualified_name` text NOT NULL,
	`title` text,
	`description` text NOT NULL,
	`homepage` text,
	`repository` text,
	`icon_url` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`verified` integer DEFAULT false NOT NULL,
	`deployed` integer DEFAULT false NOT NULL,
	`use_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`namespace_id`) REFERENCES `namespaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `servers_qualified_name_unique` ON `servers` (`qualified_name`);--> statement-breakpoint
CREATE INDEX `servers_namespace_idx` ON `servers` (`namespace_id`);--> statement-breakpoint
CREATE INDEX `servers_updated_idx` ON `servers` (`updated_at`);--> statement-breakpoint
CREATE TABLE `tool_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_id` integer NOT NULL,
	`tools` text NOT NULL,
	`prompts` text NOT NULL,
	`resources` text NOT NULL,
	`content_hash` text NOT NULL,
	`needs_config` integer DEFAULT false NOT NULL,
	`error` text,
	`taken_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`version_id`) REFERENCES `server_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tool_snapshots_version_idx` ON `tool_snapshots` (`version_id`);
ALTER TABLE `api_keys` ADD `parent_key_id` integer REFERENCES api_keys(id) ON DELETE set null;--> statement-breakpoint
CREATE INDEX `api_keys_parent_idx` ON `api_keys` (`parent_key_id`);
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`token` integer NOT NULL,
	`holder` text NOT NULL,
	`acquired_at` integer NOT NULL
);

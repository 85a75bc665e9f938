-- Seed the tag taxonomy from DOMAIN.md. Leads edit it afterwards with /ticket tags add|remove.
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Omnichannel', 'omnichannel');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Authentication', 'authentication');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Apps / Integrations', 'apps-integrations');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Data Import / Export', 'data-import-export');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Scalability', 'scalability');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Deployment', 'deployment');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Permissions / Settings', 'permissions-settings');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Privacy', 'privacy');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Compliance', 'compliance');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Administration', 'administration');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Video Conferencing', 'video-conferencing');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Mobile', 'mobile');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Frontend Backend API', 'frontend-backend-api');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'UX/UI', 'ux-ui');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Cloud Service', 'cloud-service');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Marketplace', 'marketplace');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Team Collaboration', 'team-collaboration');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('area', 'Electron', 'electron');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('type', 'Bug', 'bug');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('type', 'Insufficient Documentation', 'insufficient-documentation');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('type', 'Consulting', 'consulting');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('type', 'Sales Related Question', 'sales-related-question');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('type', 'Feature Request', 'feature-request');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('type', 'Question', 'question');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'deletion request', 'deletion-request');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'cancel subscription', 'cancel-subscription');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'database export', 'database-export');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'billing', 'billing');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'refund', 'refund');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'cloud account', 'cloud-account');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'connectivity services', 'connectivity-services');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'self-hosted registration', 'self-hosted-registration');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'licensing', 'licensing');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'push notification', 'push-notification');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('special', 'bad user experience', 'bad-user-experience');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('process', 'Process Tweak', 'process-tweak');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('process', 'Missed Doc Review', 'missed-doc-review');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('process', 'Proposed User Doc', 'proposed-user-doc');--> statement-breakpoint
INSERT OR IGNORE INTO tags (family, name, slug) VALUES ('process', 'Proposed Internal Doc', 'proposed-internal-doc');

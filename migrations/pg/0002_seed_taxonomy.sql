-- Seed the tag taxonomy from DOMAIN.md, as migrations/0001_seed_taxonomy.sql does for SQLite (in the same
-- order, so the tags get the same ids). Leads edit it afterwards with /ticket tags add|remove.
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Omnichannel', 'omnichannel') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Authentication', 'authentication') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Apps / Integrations', 'apps-integrations') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Data Import / Export', 'data-import-export') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Scalability', 'scalability') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Deployment', 'deployment') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Permissions / Settings', 'permissions-settings') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Privacy', 'privacy') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Compliance', 'compliance') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Administration', 'administration') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Video Conferencing', 'video-conferencing') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Mobile', 'mobile') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Frontend Backend API', 'frontend-backend-api') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'UX/UI', 'ux-ui') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Cloud Service', 'cloud-service') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Marketplace', 'marketplace') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Team Collaboration', 'team-collaboration') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('area', 'Electron', 'electron') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('type', 'Bug', 'bug') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('type', 'Insufficient Documentation', 'insufficient-documentation') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('type', 'Consulting', 'consulting') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('type', 'Sales Related Question', 'sales-related-question') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('type', 'Feature Request', 'feature-request') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('type', 'Question', 'question') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'deletion request', 'deletion-request') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'cancel subscription', 'cancel-subscription') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'database export', 'database-export') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'billing', 'billing') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'refund', 'refund') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'cloud account', 'cloud-account') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'connectivity services', 'connectivity-services') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'self-hosted registration', 'self-hosted-registration') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'licensing', 'licensing') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'push notification', 'push-notification') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('special', 'bad user experience', 'bad-user-experience') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('process', 'Process Tweak', 'process-tweak') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('process', 'Missed Doc Review', 'missed-doc-review') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('process', 'Proposed User Doc', 'proposed-user-doc') ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "tags" (family, name, slug) VALUES ('process', 'Proposed Internal Doc', 'proposed-internal-doc') ON CONFLICT DO NOTHING;

/** The Home tab's names, shared by its view (built in the engine) and its listeners. */

export const HOME_NEW_TICKET_ACTION = 'deskops_home_new_ticket';

/** Rows per list: the Home tab is a glance, the commands page through the rest. */
export const HOME_LIST_LIMIT = 10;

/**
 * What the permission templates module needs to know about platform users: how many hold a
 * template. Answered by PlatformUsersModule, which depends on templates (not the other way round).
 */
export const TEMPLATE_USERS = Symbol('TEMPLATE_USERS');

export interface TemplateUsers {
  countWithTemplate(templateId: string): Promise<number>;
  /** The live non-admin users of the account it grants its permissions to (admins hold everything anyway). */
  countMembersWithTemplate(templateId: string): Promise<number>;
}

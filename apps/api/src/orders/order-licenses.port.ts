/**
 * What the orders module needs to know about licenses: how many an order still has. Answered by
 * LicensesModule, which depends on orders (not the other way round).
 */
export const ORDER_LICENSES = Symbol('ORDER_LICENSES');

export interface OrderLicenses {
  countLiveForOrder(orderId: string): Promise<number>;
}

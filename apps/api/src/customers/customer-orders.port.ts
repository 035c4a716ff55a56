/**
 * What the customers module needs to know about orders: how many a customer still has. Answered by
 * OrdersModule, which depends on customers (not the other way round).
 */
export const CUSTOMER_ORDERS = Symbol('CUSTOMER_ORDERS');

export interface CustomerOrders {
  countLiveForCustomer(customerId: string): Promise<number>;
}

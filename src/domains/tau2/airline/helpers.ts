/**
 * The private helpers of tau2's `AirlineTools` (`_get_user`, `_search_direct_flight`, `_payment_for_update`, ...)
 * over the FlightDB instance, and the parameter builders the tool specs share.
 */
import type { PyValue } from '../../../util/pyjson.js';
import { pyIter } from '../env/builtins.js';
import { type ModelType, t, validateModel } from '../env/model.js';
import { isPlainDict, pyArith, pyAttr, pyCompare } from '../env/operators.js';
import { type PyDict, pyEquals, pyIn, pyRepr, pyStr, valueError } from '../env/python.js';
import type { ParamSpec } from '../env/toolkit.js';
import { DirectFlight, Payment } from './models.js';

/** `self.db.<name>`: one of FlightDB's three tables. */
export const table = (db: PyDict, name: 'users' | 'reservations' | 'flights') => pyAttr<PyDict>(db, name);

/** `_get_user`: `ValueError: User <id> not found` for an unknown id. */
export function getUser(db: PyDict, userId: PyValue): PyDict {
  if (!pyIn(userId, table(db, 'users'))) throw valueError(`User ${pyStr(userId)} not found`);
  return table(db, 'users')[userId as string] as PyDict;
}

/** `_get_reservation`. */
export function getReservation(db: PyDict, reservationId: PyValue): PyDict {
  if (!pyIn(reservationId, table(db, 'reservations'))) {
    throw valueError(`Reservation ${pyStr(reservationId)} not found`);
  }
  return table(db, 'reservations')[reservationId as string] as PyDict;
}

/** `_get_flight`. */
export function getFlight(db: PyDict, flightNumber: PyValue): PyDict {
  if (!pyIn(flightNumber, table(db, 'flights'))) throw valueError(`Flight ${pyStr(flightNumber)} not found`);
  return table(db, 'flights')[flightNumber as string] as PyDict;
}

/** `_get_flight_instance`: the status of a flight on a date. */
export function getFlightInstance(db: PyDict, flightNumber: PyValue, date: PyValue): PyDict {
  const dates = pyAttr<PyDict>(getFlight(db, flightNumber), 'dates');
  if (!pyIn(date, dates)) throw valueError(`Flight ${pyStr(flightNumber)} not found on date ${pyStr(date)}`);
  return dates[date as string] as PyDict;
}

// Reservation ids and certificate ids are fixed, so every run of a task creates the same ones (quirk 16).
const NEW_RESERVATION_IDS = ['HATHAT', 'HATHAU', 'HATHAV'];
/** `_get_new_payment_id`: the certificate numbers `send_certificate` tries, in order. */
export const NEW_PAYMENT_IDS = [3221322, 3221323, 3221324];
/** `_get_datetime`: the fixed clock. */
export const NOW = '2024-05-15T15:00:00';

/** `_get_new_reservation_id`: the first free of three fixed ids. */
export function newReservationId(db: PyDict): string {
  const id = NEW_RESERVATION_IDS.find((r) => !pyIn(r, table(db, 'reservations')));
  if (id === undefined) throw valueError('Too many reservations');
  return id;
}

/** `_search_direct_flight`: the `and` chain short-circuits as Python's does (a list date raises only late). */
export function searchDirect(
  db: PyDict,
  date: PyValue,
  origin: PyValue,
  destination: PyValue,
  leaveAfter: PyValue,
): PyDict[] {
  const results: PyDict[] = [];
  for (const flight of Object.values(table(db, 'flights')) as PyDict[]) {
    const dates = pyAttr<PyDict>(flight, 'dates');
    const check =
      (origin === null || pyEquals(pyAttr(flight, 'origin'), origin)) &&
      (destination === null || pyEquals(pyAttr(flight, 'destination'), destination)) &&
      pyIn(date, dates) &&
      pyEquals(pyAttr(dates[date as string]!, 'status'), 'available') &&
      (leaveAfter === null || pyCompare('>=', pyAttr(flight, 'scheduled_departure_time_est'), leaveAfter));
    if (check) {
      const status = dates[date as string] as PyDict;
      results.push(
        validateModel(DirectFlight, {
          flight_number: pyAttr(flight, 'flight_number'),
          origin: pyAttr(flight, 'origin'),
          destination: pyAttr(flight, 'destination'),
          status: 'available',
          scheduled_departure_time_est: pyAttr(flight, 'scheduled_departure_time_est'),
          scheduled_arrival_time_est: pyAttr(flight, 'scheduled_arrival_time_est'),
          available_seats: pyAttr(status, 'available_seats'),
          prices: pyAttr(status, 'prices'),
        }),
      );
    }
  }
  return results;
}

/** `_payment_for_update`: checks the method, debits a gift card, and returns a `Payment` unless the price is 0. */
export function paymentForUpdate(user: PyDict, paymentId: PyValue, totalPrice: PyValue): PyDict | null {
  const methods = pyAttr<PyDict>(user, 'payment_methods');
  if (!pyIn(paymentId, methods)) throw valueError('Payment method not found');
  const method = methods[paymentId as string] as PyDict;
  const source = pyAttr(method, 'source');
  if (pyEquals(source, 'certificate')) throw valueError('Certificate cannot be used to update reservation');
  if (pyEquals(source, 'gift_card') && pyCompare('<', pyAttr(method, 'amount'), totalPrice)) {
    throw valueError('Gift card balance is not enough');
  }
  // Debited before the Payment is built: a price pydantic rejects (25.5) still costs the gift card.
  if (pyEquals(source, 'gift_card'))
    method['amount'] = pyArith('-', pyAttr(method, 'amount'), totalPrice, true);
  if (pyEquals(totalPrice, 0n)) return null;
  return validateModel(Payment, { payment_id: paymentId, amount: totalPrice });
}

/** `if all(isinstance(x, dict) for x in xs): xs = [Model(**x) for x in xs]`, else the value as it came. */
export function modelsIfAllDicts(model: ModelType, xs: PyValue): PyValue {
  const items = pyIter(xs);
  return items.every(isPlainDict) ? items.map((x) => validateModel(model, x)) : xs;
}

/** `int(s)` of a str (the day of a date). */
export function pyIntOfStr(s: string): bigint {
  const m = /^\s*([-+]?\d+(?:_\d+)*)\s*$/.exec(s);
  if (!m) throw valueError(`invalid literal for int() with base 10: ${pyRepr(s)}`);
  return BigInt(m[1]!.replaceAll('_', ''));
}

/** A str parameter with its docstring entry. */
export const strParam = (name: string, description: string): ParamSpec => ({
  name,
  type: t.str,
  description,
});
/** The docstring entry of every `payment_id` parameter. */
export const PAYMENT_ID_DOC =
  "The payment id stored in user profile, such as 'credit_card_7815826', 'gift_card_7815826', 'certificate_7815826'.";
/** `List[Model | dict]`, as the schema shows it. */
export const listOf = (model: ModelType) => t.list(t.union(t.model(model), t.dict(t.any)));

/**
 * tau2's airline data models (domains/airline/data_model.py). Field order is pydantic's: a subclass's fields
 * follow its base's, and a field a subclass redeclares (`GiftCard.id`) keeps the base's position. Descriptions
 * are kept where a model is a tool parameter (`FlightInfo`, `Passenger`, `Payment`): they reach the schema.
 * Not modelled: the `CabinClass` keys of `available_seats`/`prices` are not validated (any str key passes).
 */
import { defineModel, type FieldSpec, type FieldType, t } from '../env/model.js';

/** `FlightType`. */
export const FLIGHT_TYPES = ['round_trip', 'one_way'] as const;
/** `CabinClass`. */
export const CABIN_CLASSES = ['business', 'economy', 'basic_economy'] as const;
/** `Insurance`. */
export const INSURANCE = ['yes', 'no'] as const;

const described = (type: FieldType, description: string): FieldSpec => ({ type, description });

/** An airport (`AirportCode`), as `list_all_airports` returns them. */
export const AirportCode = defineModel('AirportCode', { iata: t.str, city: t.str });

/** `Name`. */
export const Name = defineModel('Name', { first_name: t.str, last_name: t.str });

/** `Address`; `address2` defaults to None. */
export const Address = defineModel('Address', {
  address1: t.str,
  address2: { type: t.optional(t.str), default: () => null },
  city: t.str,
  country: t.str,
  state: t.str,
  zip: t.str,
});

/** A payment of a reservation's history (`Payment`); also a `book_reservation` argument. */
export const Payment = defineModel('Payment', {
  payment_id: described(t.str, 'Unique identifier for the payment'),
  amount: described(t.int, 'Payment amount in dollars'),
});

/** `CreditCard(PaymentMethodBase)`. */
export const CreditCard = defineModel('CreditCard', {
  source: t.literal('credit_card'),
  id: t.str,
  brand: t.str,
  last_four: t.str,
});

/** `GiftCard(PaymentMethodBase)`: a float balance. */
export const GiftCard = defineModel('GiftCard', {
  source: t.literal('gift_card'),
  id: t.str,
  amount: t.float,
});

/** `Certificate(PaymentMethodBase)`: a float value; `send_certificate` builds these. */
export const Certificate = defineModel('Certificate', {
  source: t.literal('certificate'),
  id: t.str,
  amount: t.float,
});

/** `PaymentMethod = Union[CreditCard, GiftCard, Certificate]`. */
const PaymentMethod = t.union(t.model(CreditCard), t.model(GiftCard), t.model(Certificate));

/** A passenger (`Passenger`); also a tool argument. */
export const Passenger = defineModel('Passenger', {
  first_name: described(t.str, "Passenger's first name"),
  last_name: described(t.str, "Passenger's last name"),
  dob: described(t.str, 'Date of birth in YYYY-MM-DD format'),
});

const seatCounts = t.dict(t.int);
const times = (...names: string[]) => Object.fromEntries(names.map((n) => [n, t.str]));

/** `FlightDateStatusAvailable`: the only status a flight can be booked in. */
export const FlightDateStatusAvailable = defineModel('FlightDateStatusAvailable', {
  status: t.literal('available'),
  available_seats: seatCounts,
  prices: seatCounts,
});

const FlightDataStatusOnTime = defineModel('FlightDataStatusOnTime', {
  status: t.literal('on time'),
  ...times('estimated_departure_time_est', 'estimated_arrival_time_est'),
});
const FlightDataStatusFlying = defineModel('FlightDataStatusFlying', {
  status: t.literal('flying'),
  ...times('actual_departure_time_est', 'estimated_arrival_time_est'),
});
const FlightDateStatusLanded = defineModel('FlightDateStatusLanded', {
  status: t.literal('landed'),
  ...times('actual_departure_time_est', 'actual_arrival_time_est'),
});
const FlightDateStatusCancelled = defineModel('FlightDateStatusCancelled', {
  status: t.literal('cancelled'),
});
const FlightDateStatusDelayed = defineModel('FlightDateStatusDelayed', {
  status: t.literal('delayed'),
  ...times('estimated_departure_time_est', 'estimated_arrival_time_est'),
});

/** `FlightDateStatus`, in tau2's member order (the order pydantic tries them and reports their errors). */
const FlightDateStatus = t.union(
  t.model(FlightDateStatusAvailable),
  t.model(FlightDateStatusLanded),
  t.model(FlightDateStatusCancelled),
  t.model(FlightDateStatusDelayed),
  t.model(FlightDataStatusFlying),
  t.model(FlightDataStatusOnTime),
);

/** `Flight(FlightBase)`: a scheduled flight and its status per date. */
export const Flight = defineModel('Flight', {
  flight_number: t.str,
  origin: t.str,
  destination: t.str,
  scheduled_departure_time_est: t.str,
  scheduled_arrival_time_est: t.str,
  dates: t.dict(FlightDateStatus),
});

/** `DirectFlight(FlightBase)`: a search result; `date` is None until the one-stop search sets it. */
export const DirectFlight = defineModel('DirectFlight', {
  flight_number: t.str,
  origin: t.str,
  destination: t.str,
  status: t.literal('available'),
  scheduled_departure_time_est: t.str,
  scheduled_arrival_time_est: t.str,
  date: { type: t.optional(t.str), default: () => null },
  available_seats: seatCounts,
  prices: seatCounts,
});

/** `ReservationFlight(FlightBase)`: a flight of a reservation, with the price paid per passenger. */
export const ReservationFlight = defineModel('ReservationFlight', {
  flight_number: t.str,
  origin: t.str,
  destination: t.str,
  date: t.str,
  price: t.int,
});

/** A flight as the agent names it in `book_reservation` and `update_reservation_flights` (`FlightInfo`). */
export const FlightInfo = defineModel('FlightInfo', {
  flight_number: described(t.str, "Flight number, such as 'HAT001'."),
  date: described(t.str, "The date for the flight in the format 'YYYY-MM-DD', such as '2024-05-01'."),
});

/** `User`. */
export const User = defineModel('User', {
  user_id: t.str,
  name: t.model(Name),
  address: t.model(Address),
  email: t.str,
  dob: t.str,
  payment_methods: t.dict(PaymentMethod),
  saved_passengers: t.list(t.model(Passenger)),
  membership: t.literal('gold', 'silver', 'regular'),
  reservations: t.list(t.str),
});

/** `Reservation`; `status` is None or `'cancelled'`. */
export const Reservation = defineModel('Reservation', {
  reservation_id: t.str,
  user_id: t.str,
  origin: t.str,
  destination: t.str,
  flight_type: t.literal(...FLIGHT_TYPES),
  cabin: t.literal(...CABIN_CLASSES),
  flights: t.list(t.model(ReservationFlight)),
  passengers: t.list(t.model(Passenger)),
  payment_history: t.list(t.model(Payment)),
  created_at: t.str,
  total_baggages: t.int,
  nonfree_baggages: t.int,
  insurance: t.literal(...INSURANCE),
  status: { type: t.optional(t.literal('cancelled')), default: () => null },
});

/** The agent's DB, `db.json` (`FlightDB`, a tau2 `DB`: extra fields forbidden). */
export const FlightDB = defineModel(
  'FlightDB',
  {
    flights: t.dict(t.model(Flight)),
    users: t.dict(t.model(User)),
    reservations: t.dict(t.model(Reservation)),
  },
  'forbid',
);

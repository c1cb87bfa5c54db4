/**
 * tau2's `AirlineTools` (domains/airline/tools.py), method for method and in class order. Arguments arrive
 * unvalidated, as in Python: lists of dicts become models only when every item is a dict (`FlightInfo(**f)`,
 * `Passenger(**p)`, `Payment(**p)`), other values flow into Python arithmetic and attribute access and fail
 * there with Python's texts, and values assigned to existing models are stored as given (quirk 10).
 */
import type { PyValue } from '../../../util/pyjson.js';
import { deepcopy, type ModelType, t, validateModel } from '../env/model.js';
import {
  isPlainDict,
  pyArith,
  pyAttr,
  pyCompare,
  pyGetItem,
  pyIter,
  pyLen,
  pyMax,
  pyNeg,
  pySum,
} from '../env/operators.js';
import { modelName, type PyDict, pyEquals, pyIn, pyRepr, pyStr, valueError } from '../env/python.js';
import type { MethodSpec, ParamSpec, ToolKitSpec } from '../env/toolkit.js';
import { pyCalculate } from './calculate.js';
import {
  AirportCode,
  CABIN_CLASSES,
  Certificate,
  DirectFlight,
  FLIGHT_TYPES,
  FlightInfo,
  INSURANCE,
  Passenger,
  Payment,
  Reservation,
  ReservationFlight,
} from './models.js';

// --- The private helpers of AirlineTools (`_get_user`, ...), over the FlightDB instance.

const table = (db: PyDict, name: 'users' | 'reservations' | 'flights') => pyAttr<PyDict>(db, name);

function getUser(db: PyDict, userId: PyValue): PyDict {
  if (!pyIn(userId, table(db, 'users'))) throw valueError(`User ${pyStr(userId)} not found`);
  return table(db, 'users')[userId as string] as PyDict;
}

function getReservation(db: PyDict, reservationId: PyValue): PyDict {
  if (!pyIn(reservationId, table(db, 'reservations'))) {
    throw valueError(`Reservation ${pyStr(reservationId)} not found`);
  }
  return table(db, 'reservations')[reservationId as string] as PyDict;
}

function getFlight(db: PyDict, flightNumber: PyValue): PyDict {
  if (!pyIn(flightNumber, table(db, 'flights'))) throw valueError(`Flight ${pyStr(flightNumber)} not found`);
  return table(db, 'flights')[flightNumber as string] as PyDict;
}

function getFlightInstance(db: PyDict, flightNumber: PyValue, date: PyValue): PyDict {
  const dates = pyAttr<PyDict>(getFlight(db, flightNumber), 'dates');
  if (!pyIn(date, dates)) throw valueError(`Flight ${pyStr(flightNumber)} not found on date ${pyStr(date)}`);
  return dates[date as string] as PyDict;
}

// Reservation ids and certificate ids are fixed, so every run of a task creates the same ones (quirk 16).
const NEW_RESERVATION_IDS = ['HATHAT', 'HATHAU', 'HATHAV'];
const NEW_PAYMENT_IDS = [3221322, 3221323, 3221324];
const NOW = '2024-05-15T15:00:00';

function newReservationId(db: PyDict): string {
  const id = NEW_RESERVATION_IDS.find((r) => !pyIn(r, table(db, 'reservations')));
  if (id === undefined) throw valueError('Too many reservations');
  return id;
}

/** `_search_direct_flight`: the `and` chain short-circuits as Python's does (a list date raises only late). */
function searchDirect(
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
function paymentForUpdate(user: PyDict, paymentId: PyValue, totalPrice: PyValue): PyDict | null {
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
function modelsIfAllDicts(model: ModelType, xs: PyValue): PyValue {
  const items = pyIter(xs);
  return items.every(isPlainDict) ? items.map((x) => validateModel(model, x)) : xs;
}

/** `int(s)` of a str (the day of a date). */
function pyIntOfStr(s: string): bigint {
  const m = /^\s*([-+]?\d+(?:_\d+)*)\s*$/.exec(s);
  if (!m) throw valueError(`invalid literal for int() with base 10: ${pyRepr(s)}`);
  return BigInt(m[1]!.replaceAll('_', ''));
}

// --- The tools.

const str = (name: string, description: string): ParamSpec => ({ name, type: t.str, description });
const PAYMENT_ID_DOC =
  "The payment id stored in user profile, such as 'credit_card_7815826', 'gift_card_7815826', 'certificate_7815826'.";
const listOf = (model: ModelType) => t.list(t.union(t.model(model), t.dict(t.any)));

const bookReservation: MethodSpec = {
  name: 'book_reservation',
  description: 'Book a reservation.',
  toolType: 'write',
  params: [
    str('user_id', "The ID of the user to book the reservation such as 'sara_doe_496'`."),
    str('origin', "The IATA code for the origin city such as 'SFO'."),
    str('destination', "The IATA code for the destination city such as 'JFK'."),
    {
      name: 'flight_type',
      type: t.literal(...FLIGHT_TYPES),
      description: "The type of flight such as 'one_way' or 'round_trip'.",
    },
    {
      name: 'cabin',
      type: t.literal(...CABIN_CLASSES),
      description: "The cabin class such as 'basic_economy', 'economy', or 'business'.",
    },
    {
      name: 'flights',
      type: listOf(FlightInfo),
      description: 'An array of objects containing details about each piece of flight.',
    },
    {
      name: 'passengers',
      type: listOf(Passenger),
      description: 'An array of objects containing details about each passenger.',
    },
    {
      name: 'payment_methods',
      type: listOf(Payment),
      description: 'An array of objects containing details about each payment method.',
    },
    {
      name: 'total_baggages',
      type: t.int,
      description: 'The total number of baggage items to book the reservation.',
    },
    {
      name: 'nonfree_baggages',
      type: t.int,
      description: 'The number of non-free baggage items to book the reservation.',
    },
    {
      name: 'insurance',
      type: t.literal(...INSURANCE),
      description: 'Whether the reservation has insurance.',
    },
  ],
  run(db, a) {
    const flights = modelsIfAllDicts(FlightInfo, a['flights']!);
    const passengers = modelsIfAllDicts(Passenger, a['passengers']!);
    const paymentMethods = modelsIfAllDicts(Payment, a['payment_methods']!);
    const user = getUser(db, a['user_id']!);
    const reservationId = newReservationId(db);
    // The Reservation validates origin, cabin, the baggage counts, ...; the code below still uses the raw
    // arguments (`50 * nonfree_baggages` with "1" is a str repeated 50 times, then a TypeError).
    const reservation = validateModel(Reservation, {
      reservation_id: reservationId,
      user_id: a['user_id']!,
      origin: a['origin']!,
      destination: a['destination']!,
      flight_type: a['flight_type']!,
      cabin: a['cabin']!,
      flights: [],
      passengers: deepcopy(passengers),
      payment_history: deepcopy(paymentMethods),
      created_at: NOW,
      total_baggages: a['total_baggages']!,
      nonfree_baggages: a['nonfree_baggages']!,
      insurance: a['insurance']!,
    });
    const cabin = a['cabin']!;
    let totalPrice: PyValue = 0n;
    const booked: PyDict[] = [];
    for (const info of pyIter(flights)) {
      const flightNumber = pyAttr(info, 'flight_number');
      const flight = getFlight(db, flightNumber);
      const dateData = getFlightInstance(db, flightNumber, pyAttr(info, 'date'));
      if (modelName(dateData) !== 'FlightDateStatusAvailable') {
        throw valueError(
          `Flight ${pyStr(flightNumber)} not available on date ${pyStr(pyAttr(info, 'date'))}`,
        );
      }
      if (pyCompare('<', pyGetItem(pyAttr<PyDict>(dateData, 'available_seats'), cabin), pyLen(passengers))) {
        throw valueError(`Not enough seats on flight ${pyStr(flightNumber)}`);
      }
      const price = pyGetItem(pyAttr<PyDict>(dateData, 'prices'), cabin);
      pyAttr<PyValue[]>(reservation, 'flights').push(
        validateModel(ReservationFlight, {
          origin: pyAttr(flight, 'origin'),
          destination: pyAttr(flight, 'destination'),
          flight_number: flightNumber,
          date: pyAttr(info, 'date'),
          price,
        }),
      );
      booked.push(dateData);
      totalPrice = pyArith('+', totalPrice, pyArith('*', price, pyLen(passengers)), true);
    }
    if (pyEquals(a['insurance']!, 'yes')) {
      totalPrice = pyArith('+', totalPrice, pyArith('*', 30n, pyLen(passengers)), true);
    }
    totalPrice = pyArith('+', totalPrice, pyArith('*', 50n, a['nonfree_baggages']!), true);

    const methods = pyAttr<PyDict>(user, 'payment_methods');
    for (const payment of pyIter(paymentMethods)) {
      const paymentId = pyAttr(payment, 'payment_id');
      const amount = pyAttr(payment, 'amount');
      if (!pyIn(paymentId, methods)) throw valueError(`Payment method ${pyStr(paymentId)} not found`);
      const method = methods[paymentId as string] as PyDict;
      const source = pyAttr(method, 'source');
      if (
        (pyEquals(source, 'gift_card') || pyEquals(source, 'certificate')) &&
        pyCompare('<', pyAttr(method, 'amount'), amount)
      ) {
        throw valueError(`Not enough balance in payment method ${pyStr(paymentId)}`);
      }
    }
    const totalPayment = pySum(pyIter(paymentMethods).map((p) => pyAttr(p, 'amount')));
    if (!pyEquals(totalPayment, totalPrice)) {
      throw valueError(
        `Payment amount does not add up, total price is ${pyStr(totalPrice)}, but paid ${pyStr(totalPayment)}`,
      );
    }
    for (const payment of pyIter(paymentMethods)) {
      const paymentId = pyAttr(payment, 'payment_id');
      // A certificate named twice is gone the second time: KeyError, after the first was spent.
      const method = pyGetItem(methods, paymentId) as PyDict;
      const source = pyAttr(method, 'source');
      if (pyEquals(source, 'gift_card')) {
        method['amount'] = pyArith('-', pyAttr(method, 'amount'), pyAttr(payment, 'amount'), true);
      } else if (pyEquals(source, 'certificate')) delete methods[paymentId as string];
    }
    for (const dateData of booked) {
      const seats = pyAttr<PyDict>(dateData, 'available_seats');
      seats[cabin as string] = pyArith('-', pyGetItem(seats, cabin), pyLen(passengers), true);
    }
    table(db, 'reservations')[reservationId] = reservation;
    pyAttr<PyValue[]>(table(db, 'users')[a['user_id'] as string]!, 'reservations').push(reservationId);
    return reservation;
  },
};

const calculate: MethodSpec = {
  name: 'calculate',
  description: 'Calculate the result of a mathematical expression.',
  toolType: 'generic',
  params: [
    str(
      'expression',
      "The mathematical expression to calculate, such as '2 + 2'. The expression can contain numbers, operators (+, -, *, /), parentheses, and spaces.",
    ),
  ],
  run: (_db, a) => pyCalculate(a['expression']!),
};

const cancelReservation: MethodSpec = {
  name: 'cancel_reservation',
  description: 'Cancel the whole reservation.',
  toolType: 'write',
  params: [str('reservation_id', "The reservation ID, such as 'ZFA04Y'.")],
  run(db, a) {
    const reservation = getReservation(db, a['reservation_id']!);
    const history = pyAttr<PyValue[]>(reservation, 'payment_history');
    // One refund per entry of the history, refunds of an earlier cancellation included; seats are not
    // released (quirk 18).
    const refunds = pyIter(history).map((p) =>
      validateModel(Payment, { payment_id: pyAttr(p, 'payment_id'), amount: pyNeg(pyAttr(p, 'amount')) }),
    );
    history.push(...refunds);
    reservation['status'] = 'cancelled';
    return reservation;
  },
};

const getReservationDetails: MethodSpec = {
  name: 'get_reservation_details',
  description: 'Get the details of a reservation.',
  toolType: 'read',
  params: [str('reservation_id', "The reservation ID, such as '8JX2WO'.")],
  run: (db, a) => getReservation(db, a['reservation_id']!),
};

const getUserDetails: MethodSpec = {
  name: 'get_user_details',
  description: 'Get the details of a user, including their reservations.',
  toolType: 'read',
  params: [str('user_id', "The user ID, such as 'sara_doe_496'.")],
  run: (db, a) => getUser(db, a['user_id']!),
};

const AIRPORTS: [string, string][] = [
  ['SFO', 'San Francisco'],
  ['JFK', 'New York'],
  ['LAX', 'Los Angeles'],
  ['ORD', 'Chicago'],
  ['DFW', 'Dallas'],
  ['DEN', 'Denver'],
  ['SEA', 'Seattle'],
  ['ATL', 'Atlanta'],
  ['MIA', 'Miami'],
  ['BOS', 'Boston'],
  ['PHX', 'Phoenix'],
  ['IAH', 'Houston'],
  ['LAS', 'Las Vegas'],
  ['MCO', 'Orlando'],
  ['EWR', 'Newark'],
  ['CLT', 'Charlotte'],
  ['MSP', 'Minneapolis'],
  ['DTW', 'Detroit'],
  ['PHL', 'Philadelphia'],
  ['LGA', 'LaGuardia'],
];

const listAllAirports: MethodSpec = {
  name: 'list_all_airports',
  description: 'Returns a list of all available airports.',
  toolType: 'read',
  params: [],
  run: () => AIRPORTS.map(([iata, city]) => validateModel(AirportCode, { iata, city })),
};

const searchDirectFlight: MethodSpec = {
  name: 'search_direct_flight',
  description: 'Search for direct flights between two cities on a specific date.',
  toolType: 'read',
  params: [
    str('origin', "The origin city airport in three letters, such as 'JFK'."),
    str('destination', "The destination city airport in three letters, such as 'LAX'."),
    str('date', "The date of the flight in the format 'YYYY-MM-DD', such as '2024-01-01'."),
  ],
  run: (db, a) => searchDirect(db, a['date']!, a['origin']!, a['destination']!, null),
};

const searchOnestopFlight: MethodSpec = {
  name: 'search_onestop_flight',
  description: 'Search for one-stop flights between two cities on a specific date.',
  toolType: 'read',
  params: [
    str('origin', "The origin city airport in three letters, such as 'JFK'."),
    str('destination', "The destination city airport in three letters, such as 'LAX'."),
    str('date', "The date of the flight in the format 'YYYY-MM-DD', such as '2024-05-01'."),
  ],
  run(db, a) {
    const date = a['date']!;
    const results: PyValue[] = [];
    for (const first of searchDirect(db, date, a['origin']!, null, null)) {
      first['date'] = date;
      // A first leg arriving "+1" connects on the next day, computed as May of 2024 whatever the date.
      const arrival = pyAttr<string>(first, 'scheduled_arrival_time_est');
      const date2 = arrival.includes('+1') ? `2024-05-${pyIntOfStr((date as string).slice(-2)) + 1n}` : date;
      for (const second of searchDirect(
        db,
        date2,
        pyAttr(first, 'destination'),
        a['destination']!,
        arrival,
      )) {
        second['date'] = date2;
        results.push([first, second]);
      }
    }
    return results;
  },
};

const sendCertificate: MethodSpec = {
  name: 'send_certificate',
  description: 'Send a certificate to a user. Be careful!',
  toolType: 'write',
  params: [
    str('user_id', "The ID of the user to book the reservation, such as 'sara_doe_496'."),
    { name: 'amount', type: t.int, description: 'The amount of the certificate to send.' },
  ],
  run(db, a) {
    const user = getUser(db, a['user_id']!);
    const methods = pyAttr<PyDict>(user, 'payment_methods');
    for (const n of NEW_PAYMENT_IDS) {
      const paymentId = `certificate_${n}`;
      if (pyIn(paymentId, methods)) continue;
      // The Certificate stores float(amount); the message echoes the argument as given (100, "100", 100.0).
      methods[paymentId] = validateModel(Certificate, {
        id: paymentId,
        amount: a['amount']!,
        source: 'certificate',
      });
      return `Certificate ${paymentId} added to user ${pyStr(a['user_id']!)} with amount ${pyStr(a['amount']!)}.`;
    }
    throw valueError('Too many certificates');
  },
};

const transferToHumanAgents: MethodSpec = {
  name: 'transfer_to_human_agents',
  description:
    "Transfer the user to a human agent, with a summary of the user's issue.\n\nOnly transfer if\n -  the user explicitly asks for a human agent\n -  given the policy and the available tools, you cannot solve the user's issue.",
  toolType: 'generic',
  params: [str('summary', "A summary of the user's issue.")],
  run: () => 'Transfer successful',
};

const updateReservationBaggages: MethodSpec = {
  name: 'update_reservation_baggages',
  description: 'Update the baggage information of a reservation.',
  toolType: 'write',
  params: [
    str('reservation_id', "The reservation ID, such as 'ZFA04Y'"),
    {
      name: 'total_baggages',
      type: t.int,
      description: 'The updated total number of baggage items included in the reservation.',
    },
    {
      name: 'nonfree_baggages',
      type: t.int,
      description: 'The updated number of non-free baggage items included in the reservation.',
    },
    str('payment_id', PAYMENT_ID_DOC),
  ],
  run(db, a) {
    const reservation = getReservation(db, a['reservation_id']!);
    const user = getUser(db, pyAttr(reservation, 'user_id'));
    const extraBags = pyArith('-', a['nonfree_baggages']!, pyAttr(reservation, 'nonfree_baggages'));
    const totalPrice = pyArith('*', 50n, pyMax(0n, extraBags));
    const payment = paymentForUpdate(user, a['payment_id']!, totalPrice);
    if (payment !== null) pyAttr<PyValue[]>(reservation, 'payment_history').push(payment);
    // Stored as given: 2.0 and 3.5 stay floats in the DB and its hash (quirk 10).
    reservation['total_baggages'] = a['total_baggages']!;
    reservation['nonfree_baggages'] = a['nonfree_baggages']!;
    return reservation;
  },
};

const updateReservationFlights: MethodSpec = {
  name: 'update_reservation_flights',
  description: 'Update the flight information of a reservation.',
  toolType: 'write',
  params: [
    str('reservation_id', "The reservation ID, such as 'ZFA04Y'."),
    { name: 'cabin', type: t.literal(...CABIN_CLASSES), description: 'The cabin class of the reservation' },
    {
      name: 'flights',
      type: listOf(FlightInfo),
      description:
        'An array of objects containing details about each piece of flight in the ENTIRE new reservation. Even if the a flight segment is not changed, it should still be included in the array.',
    },
    str('payment_id', PAYMENT_ID_DOC),
  ],
  run(db, a) {
    const flights = modelsIfAllDicts(FlightInfo, a['flights']!);
    const reservation = getReservation(db, a['reservation_id']!);
    const user = getUser(db, pyAttr(reservation, 'user_id'));
    const cabin = a['cabin']!;
    const passengerCount = () => pyLen(pyAttr(reservation, 'passengers'));
    let totalPrice: PyValue = 0n;
    const newFlights: PyDict[] = [];
    for (const info of pyIter(flights)) {
      // A flight already booked on the same date keeps its price, but only when the cabin does not change.
      const kept = pyIter(pyAttr(reservation, 'flights')).find(
        (f) =>
          pyEquals(pyAttr(f, 'flight_number'), pyAttr(info, 'flight_number')) &&
          pyEquals(pyAttr(f, 'date'), pyAttr(info, 'date')) &&
          pyEquals(cabin, pyAttr(reservation, 'cabin')),
      ) as PyDict | undefined;
      if (kept !== undefined) {
        totalPrice = pyArith('+', totalPrice, pyArith('*', pyAttr(kept, 'price'), passengerCount()), true);
        newFlights.push(kept);
        continue;
      }
      const flight = getFlight(db, pyAttr(info, 'flight_number'));
      const dateData = getFlightInstance(db, pyAttr(info, 'flight_number'), pyAttr(info, 'date'));
      if (modelName(dateData) !== 'FlightDateStatusAvailable') {
        throw valueError(
          `Flight ${pyStr(pyAttr(info, 'flight_number'))} not available on date ${pyStr(pyAttr(info, 'date'))}`,
        );
      }
      // The cabin is not validated here: "first" is a KeyError (`Error: 'first'`).
      if (pyCompare('<', pyGetItem(pyAttr<PyDict>(dateData, 'available_seats'), cabin), passengerCount())) {
        throw valueError(`Not enough seats on flight ${pyStr(pyAttr(info, 'flight_number'))}`);
      }
      const booked = validateModel(ReservationFlight, {
        flight_number: pyAttr(info, 'flight_number'),
        date: pyAttr(info, 'date'),
        price: pyGetItem(pyAttr<PyDict>(dateData, 'prices'), cabin),
        origin: pyAttr(flight, 'origin'),
        destination: pyAttr(flight, 'destination'),
      });
      totalPrice = pyArith('+', totalPrice, pyArith('*', pyAttr(booked, 'price'), passengerCount()), true);
      newFlights.push(booked);
    }
    const paid = pySum(pyIter(pyAttr(reservation, 'flights')).map((f) => pyAttr(f, 'price')));
    totalPrice = pyArith('-', totalPrice, pyArith('*', paid, passengerCount()), true);
    const payment = paymentForUpdate(user, a['payment_id']!, totalPrice);
    if (payment !== null) pyAttr<PyValue[]>(reservation, 'payment_history').push(payment);
    reservation['flights'] = newFlights;
    reservation['cabin'] = cabin;
    return reservation;
  },
};

const updateReservationPassengers: MethodSpec = {
  name: 'update_reservation_passengers',
  description: 'Update the passenger information of a reservation.',
  toolType: 'write',
  params: [
    str('reservation_id', "The reservation ID, such as 'ZFA04Y'."),
    {
      name: 'passengers',
      type: listOf(Passenger),
      description: 'An array of objects containing details about each passenger.',
    },
  ],
  run(db, a) {
    const passengers = modelsIfAllDicts(Passenger, a['passengers']!);
    const reservation = getReservation(db, a['reservation_id']!);
    // len() of a dict counts its keys: a one-key dict replaces a one-passenger list, stored as the dict.
    if (!pyEquals(pyLen(passengers), pyLen(pyAttr(reservation, 'passengers')))) {
      throw valueError('Number of passengers does not match');
    }
    reservation['passengers'] = deepcopy(passengers);
    return reservation;
  },
};

const getFlightStatus: MethodSpec = {
  name: 'get_flight_status',
  description: 'Get the status of a flight.',
  toolType: 'read',
  params: [str('flight_number', 'The flight number.'), str('date', 'The date of the flight.')],
  run: (db, a) => pyAttr(getFlightInstance(db, a['flight_number']!, a['date']!), 'status'),
};

/** `AirlineTools`: the agent's tools in class-definition order (quirk 20). */
export const AirlineTools: ToolKitSpec = {
  className: 'AirlineTools',
  tools: [
    bookReservation,
    calculate,
    cancelReservation,
    getReservationDetails,
    getUserDetails,
    listAllAirports,
    searchDirectFlight,
    searchOnestopFlight,
    sendCertificate,
    transferToHumanAgents,
    updateReservationBaggages,
    updateReservationFlights,
    updateReservationPassengers,
    getFlightStatus,
  ],
};

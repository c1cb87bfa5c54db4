/**
 * The tools of tau2's `AirlineTools` that write reservations: booking, cancelling, and the three updates. Prices
 * are computed with Python's arithmetic on the raw arguments (quirks 10, 38, 39).
 */
import type { PyValue } from '../../../util/pyjson.js';
import { pyIter, pyLen, pyMax, pySum } from '../env/builtins.js';
import { copyInstance, t, validateModel } from '../env/model.js';
import { pyArith, pyAttr, pyCompare, pyGetItem, pyNeg } from '../env/operators.js';
import { modelName, type PyDict, pyEquals, pyIn, pyStr, valueError } from '../env/python.js';
import type { MethodSpec } from '../env/toolkit.js';
import {
  getFlight,
  getFlightInstance,
  getReservation,
  getUser,
  listOf,
  modelsIfAllDicts,
  NOW,
  newReservationId,
  PAYMENT_ID_DOC,
  paymentForUpdate,
  strParam,
  table,
} from './helpers.js';
import {
  CABIN_CLASSES,
  FLIGHT_TYPES,
  FlightInfo,
  INSURANCE,
  Passenger,
  Payment,
  Reservation,
  ReservationFlight,
} from './models.js';

/** `book_reservation`. */
export const bookReservation: MethodSpec = {
  name: 'book_reservation',
  description: 'Book a reservation.',
  toolType: 'write',
  params: [
    strParam('user_id', "The ID of the user to book the reservation such as 'sara_doe_496'`."),
    strParam('origin', "The IATA code for the origin city such as 'SFO'."),
    strParam('destination', "The IATA code for the destination city such as 'JFK'."),
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
      passengers: copyInstance(passengers),
      payment_history: copyInstance(paymentMethods),
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

/** `cancel_reservation`. */
export const cancelReservation: MethodSpec = {
  name: 'cancel_reservation',
  description: 'Cancel the whole reservation.',
  toolType: 'write',
  params: [strParam('reservation_id', "The reservation ID, such as 'ZFA04Y'.")],
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

/** `update_reservation_baggages`. */
export const updateReservationBaggages: MethodSpec = {
  name: 'update_reservation_baggages',
  description: 'Update the baggage information of a reservation.',
  toolType: 'write',
  params: [
    strParam('reservation_id', "The reservation ID, such as 'ZFA04Y'"),
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
    strParam('payment_id', PAYMENT_ID_DOC),
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

/** `update_reservation_flights`. */
export const updateReservationFlights: MethodSpec = {
  name: 'update_reservation_flights',
  description: 'Update the flight information of a reservation.',
  toolType: 'write',
  params: [
    strParam('reservation_id', "The reservation ID, such as 'ZFA04Y'."),
    { name: 'cabin', type: t.literal(...CABIN_CLASSES), description: 'The cabin class of the reservation' },
    {
      name: 'flights',
      type: listOf(FlightInfo),
      description:
        'An array of objects containing details about each piece of flight in the ENTIRE new reservation. Even if the a flight segment is not changed, it should still be included in the array.',
    },
    strParam('payment_id', PAYMENT_ID_DOC),
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

/** `update_reservation_passengers`. */
export const updateReservationPassengers: MethodSpec = {
  name: 'update_reservation_passengers',
  description: 'Update the passenger information of a reservation.',
  toolType: 'write',
  params: [
    strParam('reservation_id', "The reservation ID, such as 'ZFA04Y'."),
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
    reservation['passengers'] = copyInstance(passengers);
    return reservation;
  },
};

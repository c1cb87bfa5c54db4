/**
 * tau2's `AirlineTools` (domains/airline/tools.py): the toolkit in class order, with its read and generic tools
 * here and the reservation-writing ones in `reservations.ts`. Arguments arrive unvalidated, as in Python: lists of
 * dicts become models only when every item is a dict (`FlightInfo(**f)`, `Passenger(**p)`, `Payment(**p)`),
 * other values flow into Python arithmetic and attribute access and fail there with Python's texts, and values
 * assigned to existing models are stored as given (quirk 10).
 */
import type { PyValue } from '../../../util/pyjson.js';
import { calculateTool } from '../env/calculate.js';
import { t, validateModel } from '../env/model.js';
import { pyAttr } from '../env/operators.js';
import { type PyDict, pyIn, pyStr, valueError } from '../env/python.js';
import type { MethodSpec, ToolKitSpec } from '../env/toolkit.js';
import { transferToHumanAgents } from '../env/transfer.js';
import {
  getFlightInstance,
  getReservation,
  getUser,
  NEW_PAYMENT_IDS,
  pyIntOfStr,
  searchDirect,
  strParam,
} from './helpers.js';
import { AirportCode, Certificate } from './models.js';
import {
  bookReservation,
  cancelReservation,
  updateReservationBaggages,
  updateReservationFlights,
  updateReservationPassengers,
} from './reservations.js';

const getReservationDetails: MethodSpec = {
  name: 'get_reservation_details',
  description: 'Get the details of a reservation.',
  toolType: 'read',
  params: [strParam('reservation_id', "The reservation ID, such as '8JX2WO'.")],
  run: (db, a) => getReservation(db, a['reservation_id']!),
};

const getUserDetails: MethodSpec = {
  name: 'get_user_details',
  description: 'Get the details of a user, including their reservations.',
  toolType: 'read',
  params: [strParam('user_id', "The user ID, such as 'sara_doe_496'.")],
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
    strParam('origin', "The origin city airport in three letters, such as 'JFK'."),
    strParam('destination', "The destination city airport in three letters, such as 'LAX'."),
    strParam('date', "The date of the flight in the format 'YYYY-MM-DD', such as '2024-01-01'."),
  ],
  run: (db, a) => searchDirect(db, a['date']!, a['origin']!, a['destination']!, null),
};

const searchOnestopFlight: MethodSpec = {
  name: 'search_onestop_flight',
  description: 'Search for one-stop flights between two cities on a specific date.',
  toolType: 'read',
  params: [
    strParam('origin', "The origin city airport in three letters, such as 'JFK'."),
    strParam('destination', "The destination city airport in three letters, such as 'LAX'."),
    strParam('date', "The date of the flight in the format 'YYYY-MM-DD', such as '2024-05-01'."),
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
    strParam('user_id', "The ID of the user to book the reservation, such as 'sara_doe_496'."),
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

const getFlightStatus: MethodSpec = {
  name: 'get_flight_status',
  description: 'Get the status of a flight.',
  toolType: 'read',
  params: [strParam('flight_number', 'The flight number.'), strParam('date', 'The date of the flight.')],
  run: (db, a) => pyAttr(getFlightInstance(db, a['flight_number']!, a['date']!), 'status'),
};

/** `AirlineTools`: the agent's tools in class-definition order (quirk 20). */
export const AirlineTools: ToolKitSpec = {
  className: 'AirlineTools',
  tools: [
    bookReservation,
    calculateTool,
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

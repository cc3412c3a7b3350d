// pkg/apis/batch/validation/validation_test.go (the stored copy of the v1.3x line, 125,228 bytes), row by
// row: TestValidateCronJob (success rows, create and no-op update; error rows, the first cause's field
// and text, on create and on update), TestValidateCronJobScheduleTZ, TestValidateCronJobSpec (through
// an update from the row's old spec), TestTimeZones (every name), TestValidateIndexesString and
// TestValidateFailedIndexesNotOverlapCompleted.

import { describe, expect, it } from "vitest";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";
import { overlapError, validateIndexesFormat } from "./jobstatus.js";
import { makePod } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
// getValidPodTemplateSpecForGenerated with the CronJob tables' empty labels: restartPolicy OnFailure.
const validPodTemplateSpec = () => ({ metadata: { labels: {} }, spec: makePod("", (p) => { p.spec.restartPolicy = "OnFailure"; p.spec.containers = [{ name: "abc", image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }]; }).spec });
const cronJob = (spec: Record<string, unknown>, name = "mycronjob"): any => ({
  kind: "CronJob", metadata: { name, namespace: "default", uid: "1a2b3c" },
  spec: { schedule: "* * * * ?", concurrencyPolicy: "Allow", jobTemplate: { spec: { template: validPodTemplateSpec() } }, ...spec },
});
const withJobSpec = (jobSpec: Record<string, unknown>) => cronJob({ jobTemplate: { spec: { template: validPodTemplateSpec(), ...jobSpec } } });
const withRV = (cj: any, rv: string) => ({ ...cj, metadata: { ...cj.metadata, resourceVersion: rv } });
// The Go check: the first cause is at s[0] and its Error() contains s[1] (the key split on ':').
const firstMatches = (errs: FieldError[], key: string) => {
  const [field, text] = key.split(":");
  expect(errs.length).toBeGreaterThan(0);
  expect(errs[0]!.field).toBe(field);
  expect(fieldErrorMessage(errs[0]!)).toContain(text);
};

describe("TestValidateCronJob", () => {
  const hostNet = () => {
    const t = validPodTemplateSpec();
    t.metadata.labels = { "controller-uid": "1a2b3c", "job-name": "myjob" };
    t.spec.securityContext = { hostNetwork: true };
    t.spec.containers[0].ports = [{ containerPort: 12345, protocol: "TCP" }];
    return t;
  };
  const success: [string, any][] = [
    ["basic scheduled job", cronJob({})],
    ["hostnet job", cronJob({ jobTemplate: { spec: { template: hostNet() } } })],
    ["non-standard scheduled", cronJob({ schedule: "@hourly" })],
    ["correct timeZone value", cronJob({ schedule: "0 * * * *", timeZone: "Europe/Rome" })],
  ];
  for (const [name, cj] of success) {
    it(`${name}: create and a no-op update succeed`, () => {
      expect(validateCreate(cj)).toEqual([]);
      expect(validateUpdate(withRV(cj, "1"), withRV(cj, "1"))).toEqual([]);
    });
  }

  const restartTemplate = (restartPolicy: string) => ({ spec: makePod("", (p) => { p.spec.restartPolicy = restartPolicy; p.spec.containers = [{ name: "abc", image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File", terminationMessagePath: "/dev/termination-log" }]; }).spec });
  const errorCases: [string, any][] = [
    ["spec.schedule: Invalid value", cronJob({ schedule: "error" })],
    ["spec.schedule: Required value", cronJob({ schedule: "" })],
    ["spec.timeZone: timeZone must be nil or non-empty string", cronJob({ schedule: "0 * * * *", timeZone: "" })],
    ["spec.timeZone: timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones", cronJob({ schedule: "0 * * * *", timeZone: "LOCAL" })],
    ["spec.timeZone: Invalid value: \" Continent/Zone\": unknown time zone  Continent/Zone", cronJob({ schedule: "0 * * * *", timeZone: " Europe/Rome" })],
    ["spec.timeZone: Invalid value: \"Continent/InvalidZone\": unknown time zone  Continent/InvalidZone", cronJob({ schedule: "0 * * * *", timeZone: "Europe/InvalidRome" })],
    ["spec.timeZone: Invalid value: \" \": unknown time zone  ", cronJob({ schedule: "0 * * * *", timeZone: " " })],
    ["spec.timeZone: Invalid value: \"Continent/Zone \": unknown time zone Continent/Zone ", cronJob({ schedule: "0 * * * *", timeZone: "Europe/Rome " })],
    ["spec.startingDeadlineSeconds:must be greater than or equal to 0", cronJob({ startingDeadlineSeconds: -1 })],
    ["spec.successfulJobsHistoryLimit: must be greater than or equal to 0", cronJob({ successfulJobsHistoryLimit: -1 })],
    ["spec.failedJobsHistoryLimit: must be greater than or equal to 0", cronJob({ failedJobsHistoryLimit: -1 })],
    ["spec.concurrencyPolicy: Required value", cronJob({ concurrencyPolicy: undefined })],
    ["spec.jobTemplate.spec.parallelism:must be greater than or equal to 0", withJobSpec({ parallelism: -1 })],
    ["spec.jobTemplate.spec.completions:must be greater than or equal to 0", withJobSpec({ completions: -1 })],
    ["spec.jobTemplate.spec.activeDeadlineSeconds:must be greater than or equal to 0", withJobSpec({ activeDeadlineSeconds: -1 })],
    ["spec.jobTemplate.spec.selector: Invalid value: {\"matchLabels\":{\"a\":\"b\"}}: `selector` will be auto-generated", withJobSpec({ selector: { matchLabels: { a: "b" } } })],
    ["metadata.name: must be no more than 52 characters", cronJob({}, "10000000002000000000300000000040000000005000000000123")],
    ["spec.jobTemplate.spec.manualSelector: Unsupported value", withJobSpec({ manualSelector: true })],
    ["spec.jobTemplate.spec.template.spec.restartPolicy: Required value", cronJob({ jobTemplate: { spec: { template: restartTemplate("Always") } } })],
    ["spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value", cronJob({ jobTemplate: { spec: { template: restartTemplate("Invalid") } } })],
    ["spec.jobTemplate.spec.ttlSecondsAfterFinished:must be greater than or equal to 0", withJobSpec({ ttlSecondsAfterFinished: -1 })],
  ];
  for (const [key, cj] of errorCases) {
    it(`${key} (create)`, () => firstMatches(validateCreate(cj), key));
    it(`${key} (update from the same object without a time zone)`, () => {
      const old = withRV(cj, "1");
      old.spec = { ...old.spec, timeZone: undefined };
      const errs = validateUpdate(withRV(cj, "2"), old);
      // the name length is a create-only rule
      if (key.startsWith("metadata.name")) expect(errs).toEqual([]);
      else firstMatches(errs, key);
    });
  }
});

describe("TestValidateCronJobScheduleTZ", () => {
  const invalid = cronJob({ schedule: "TZ=UTC 0 * * * *" });
  const valid = cronJob({ schedule: "0 * * * *" });
  const rows: [string, any, string, (cj: any) => void, string][] = [
    ["update removing TZ should work", invalid, "cannot use TZ or CRON_TZ in schedule", (cj) => { cj.spec.schedule = "0 * * * *"; }, ""],
    ["update not modifying TZ should work", invalid, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead", (cj) => { cj.spec.schedule = "TZ=UTC 0 * * * *"; }, ""],
    ["update not modifying TZ but adding .spec.timeZone should fail", invalid, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead", (cj) => { cj.spec.timeZone = "UTC"; }, "cannot use both timeZone field and TZ or CRON_TZ in schedule"],
    ["update adding TZ should fail", valid, "", (cj) => { cj.spec.schedule = "TZ=UTC 0 * * * *"; }, "cannot use TZ or CRON_TZ in schedule"],
  ];
  for (const [name, cj, createErr, update, updateErr] of rows) {
    it(name, () => {
      const created = validateCreate(cj);
      if (createErr === "") expect(created).toEqual([]);
      else expect(fieldErrorMessage(created[0]!)).toContain(createErr);
      const next = structuredClone(withRV(cj, "2"));
      update(next);
      const updated = validateUpdate(next, withRV(cj, "1"));
      if (updateErr === "") expect(updated).toEqual([]);
      else expect(fieldErrorMessage(updated[0]!)).toContain(updateErr);
    });
  }
});

describe("TestValidateCronJobSpec (validateCronJobSpec with the old spec: a time zone is judged only when it changed)", () => {
  const spec = (timeZone?: string) => cronJob({ schedule: "0 * * * *", timeZone });
  const rows: [string, string | undefined, string | undefined, boolean][] = [
    ["no validation because timeZone is nil for old and new", undefined, undefined, false],
    ["check validation because timeZone is different for new", undefined, "America/New_York", false],
    ["check validation because timeZone is different for new and invalid", undefined, "broken", true],
    ["old timeZone and new timeZone are valid", "America/New_York", "America/Chicago", false],
    ["old timeZone is valid, but new timeZone is invalid", "America/New_York", "broken", true],
    ["old timeZone and new timeZone are invalid, but unchanged", "broken", "broken", false],
    ["old timeZone and new timeZone are invalid, but different", "broken", "still broken", true],
    ["old timeZone is invalid, but new timeZone is valid", "broken", "America/New_York", false],
  ];
  for (const [name, oldTZ, newTZ, expectErr] of rows) {
    it(name, () => expect(validateUpdate(withRV(spec(newTZ), "1"), withRV(spec(oldTZ), "1")).length > 0).toBe(expectErr));
  }
});

describe("TestTimeZones: every name valid as of go1.19 is a valid CronJob timeZone", () => {
  const data = `Africa/Abidjan Africa/Accra Africa/Addis_Ababa Africa/Algiers Africa/Asmara Africa/Asmera Africa/Bamako Africa/Bangui Africa/Banjul Africa/Bissau Africa/Blantyre Africa/Brazzaville Africa/Bujumbura Africa/Cairo Africa/Casablanca Africa/Ceuta Africa/Conakry Africa/Dakar Africa/Dar_es_Salaam Africa/Djibouti Africa/Douala Africa/El_Aaiun Africa/Freetown Africa/Gaborone Africa/Harare Africa/Johannesburg Africa/Juba Africa/Kampala Africa/Khartoum Africa/Kigali Africa/Kinshasa Africa/Lagos Africa/Libreville Africa/Lome Africa/Luanda Africa/Lubumbashi Africa/Lusaka Africa/Malabo Africa/Maputo Africa/Maseru Africa/Mbabane Africa/Mogadishu Africa/Monrovia Africa/Nairobi Africa/Ndjamena Africa/Niamey Africa/Nouakchott Africa/Ouagadougou Africa/Porto-Novo Africa/Sao_Tome Africa/Timbuktu Africa/Tripoli Africa/Tunis Africa/Windhoek
America/Adak America/Anchorage America/Anguilla America/Antigua America/Araguaina America/Argentina/Buenos_Aires America/Argentina/Catamarca America/Argentina/ComodRivadavia America/Argentina/Cordoba America/Argentina/Jujuy America/Argentina/La_Rioja America/Argentina/Mendoza America/Argentina/Rio_Gallegos America/Argentina/Salta America/Argentina/San_Juan America/Argentina/San_Luis America/Argentina/Tucuman America/Argentina/Ushuaia America/Aruba America/Asuncion America/Atikokan America/Atka America/Bahia America/Bahia_Banderas America/Barbados America/Belem America/Belize America/Blanc-Sablon America/Boa_Vista America/Bogota America/Boise America/Buenos_Aires America/Cambridge_Bay America/Campo_Grande America/Cancun America/Caracas America/Catamarca America/Cayenne America/Cayman America/Chicago America/Chihuahua America/Coral_Harbour America/Cordoba America/Costa_Rica America/Creston America/Cuiaba America/Curacao America/Danmarkshavn America/Dawson America/Dawson_Creek America/Denver America/Detroit America/Dominica America/Edmonton America/Eirunepe America/El_Salvador America/Ensenada America/Fort_Nelson America/Fort_Wayne America/Fortaleza America/Glace_Bay America/Godthab America/Goose_Bay America/Grand_Turk America/Grenada America/Guadeloupe America/Guatemala America/Guayaquil America/Guyana America/Halifax America/Havana America/Hermosillo America/Indiana/Indianapolis America/Indiana/Knox America/Indiana/Marengo America/Indiana/Petersburg America/Indiana/Tell_City America/Indiana/Vevay America/Indiana/Vincennes America/Indiana/Winamac America/Indianapolis America/Inuvik America/Iqaluit America/Jamaica America/Jujuy America/Juneau America/Kentucky/Louisville America/Kentucky/Monticello America/Knox_IN America/Kralendijk America/La_Paz America/Lima America/Los_Angeles America/Louisville America/Lower_Princes America/Maceio America/Managua America/Manaus America/Marigot America/Martinique America/Matamoros America/Mazatlan America/Mendoza America/Menominee America/Merida America/Metlakatla America/Mexico_City America/Miquelon America/Moncton America/Monterrey America/Montevideo America/Montreal America/Montserrat America/Nassau America/New_York America/Nipigon America/Nome America/Noronha America/North_Dakota/Beulah America/North_Dakota/Center America/North_Dakota/New_Salem America/Nuuk America/Ojinaga America/Panama America/Pangnirtung America/Paramaribo America/Phoenix America/Port-au-Prince America/Port_of_Spain America/Porto_Acre America/Porto_Velho America/Puerto_Rico America/Punta_Arenas America/Rainy_River America/Rankin_Inlet America/Recife America/Regina America/Resolute America/Rio_Branco America/Rosario America/Santa_Isabel America/Santarem America/Santiago America/Santo_Domingo America/Sao_Paulo America/Scoresbysund America/Shiprock America/Sitka America/St_Barthelemy America/St_Johns America/St_Kitts America/St_Lucia America/St_Thomas America/St_Vincent America/Swift_Current America/Tegucigalpa America/Thule America/Thunder_Bay America/Tijuana America/Toronto America/Tortola America/Vancouver America/Virgin America/Whitehorse America/Winnipeg America/Yakutat America/Yellowknife
Antarctica/Casey Antarctica/Davis Antarctica/DumontDUrville Antarctica/Macquarie Antarctica/Mawson Antarctica/McMurdo Antarctica/Palmer Antarctica/Rothera Antarctica/South_Pole Antarctica/Syowa Antarctica/Troll Antarctica/Vostok Arctic/Longyearbyen
Asia/Aden Asia/Almaty Asia/Amman Asia/Anadyr Asia/Aqtau Asia/Aqtobe Asia/Ashgabat Asia/Ashkhabad Asia/Atyrau Asia/Baghdad Asia/Bahrain Asia/Baku Asia/Bangkok Asia/Barnaul Asia/Beirut Asia/Bishkek Asia/Brunei Asia/Calcutta Asia/Chita Asia/Choibalsan Asia/Chongqing Asia/Chungking Asia/Colombo Asia/Dacca Asia/Damascus Asia/Dhaka Asia/Dili Asia/Dubai Asia/Dushanbe Asia/Famagusta Asia/Gaza Asia/Harbin Asia/Hebron Asia/Ho_Chi_Minh Asia/Hong_Kong Asia/Hovd Asia/Irkutsk Asia/Istanbul Asia/Jakarta Asia/Jayapura Asia/Jerusalem Asia/Kabul Asia/Kamchatka Asia/Karachi Asia/Kashgar Asia/Kathmandu Asia/Katmandu Asia/Khandyga Asia/Kolkata Asia/Krasnoyarsk Asia/Kuala_Lumpur Asia/Kuching Asia/Kuwait Asia/Macao Asia/Macau Asia/Magadan Asia/Makassar Asia/Manila Asia/Muscat Asia/Nicosia Asia/Novokuznetsk Asia/Novosibirsk Asia/Omsk Asia/Oral Asia/Phnom_Penh Asia/Pontianak Asia/Pyongyang Asia/Qatar Asia/Qostanay Asia/Qyzylorda Asia/Rangoon Asia/Riyadh Asia/Saigon Asia/Sakhalin Asia/Samarkand Asia/Seoul Asia/Shanghai Asia/Singapore Asia/Srednekolymsk Asia/Taipei Asia/Tashkent Asia/Tbilisi Asia/Tehran Asia/Tel_Aviv Asia/Thimbu Asia/Thimphu Asia/Tokyo Asia/Tomsk Asia/Ujung_Pandang Asia/Ulaanbaatar Asia/Ulan_Bator Asia/Urumqi Asia/Ust-Nera Asia/Vientiane Asia/Vladivostok Asia/Yakutsk Asia/Yangon Asia/Yekaterinburg Asia/Yerevan
Atlantic/Azores Atlantic/Bermuda Atlantic/Canary Atlantic/Cape_Verde Atlantic/Faeroe Atlantic/Faroe Atlantic/Jan_Mayen Atlantic/Madeira Atlantic/Reykjavik Atlantic/South_Georgia Atlantic/St_Helena Atlantic/Stanley
Australia/ACT Australia/Adelaide Australia/Brisbane Australia/Broken_Hill Australia/Canberra Australia/Currie Australia/Darwin Australia/Eucla Australia/Hobart Australia/LHI Australia/Lindeman Australia/Lord_Howe Australia/Melbourne Australia/North Australia/NSW Australia/Perth Australia/Queensland Australia/South Australia/Sydney Australia/Tasmania Australia/Victoria Australia/West Australia/Yancowinna
Brazil/Acre Brazil/DeNoronha Brazil/East Brazil/West Canada/Atlantic Canada/Central Canada/Eastern Canada/Mountain Canada/Newfoundland Canada/Pacific Canada/Saskatchewan Canada/Yukon CET Chile/Continental Chile/EasterIsland CST6CDT Cuba EET Egypt Eire EST EST5EDT
Etc/GMT Etc/GMT+0 Etc/GMT+1 Etc/GMT+10 Etc/GMT+11 Etc/GMT+12 Etc/GMT+2 Etc/GMT+3 Etc/GMT+4 Etc/GMT+5 Etc/GMT+6 Etc/GMT+7 Etc/GMT+8 Etc/GMT+9 Etc/GMT-0 Etc/GMT-1 Etc/GMT-10 Etc/GMT-11 Etc/GMT-12 Etc/GMT-13 Etc/GMT-14 Etc/GMT-2 Etc/GMT-3 Etc/GMT-4 Etc/GMT-5 Etc/GMT-6 Etc/GMT-7 Etc/GMT-8 Etc/GMT-9 Etc/GMT0 Etc/Greenwich Etc/UCT Etc/Universal Etc/UTC Etc/Zulu
Europe/Amsterdam Europe/Andorra Europe/Astrakhan Europe/Athens Europe/Belfast Europe/Belgrade Europe/Berlin Europe/Bratislava Europe/Brussels Europe/Bucharest Europe/Budapest Europe/Busingen Europe/Chisinau Europe/Copenhagen Europe/Dublin Europe/Gibraltar Europe/Guernsey Europe/Helsinki Europe/Isle_of_Man Europe/Istanbul Europe/Jersey Europe/Kaliningrad Europe/Kiev Europe/Kirov Europe/Lisbon Europe/Ljubljana Europe/London Europe/Luxembourg Europe/Madrid Europe/Malta Europe/Mariehamn Europe/Minsk Europe/Monaco Europe/Moscow Europe/Nicosia Europe/Oslo Europe/Paris Europe/Podgorica Europe/Prague Europe/Riga Europe/Rome Europe/Samara Europe/San_Marino Europe/Sarajevo Europe/Saratov Europe/Simferopol Europe/Skopje Europe/Sofia Europe/Stockholm Europe/Tallinn Europe/Tirane Europe/Tiraspol Europe/Ulyanovsk Europe/Uzhgorod Europe/Vaduz Europe/Vatican Europe/Vienna Europe/Vilnius Europe/Volgograd Europe/Warsaw Europe/Zagreb Europe/Zaporozhye Europe/Zurich
Factory GB GB-Eire GMT GMT+0 GMT-0 GMT0 Greenwich Hongkong HST Iceland
Indian/Antananarivo Indian/Chagos Indian/Christmas Indian/Cocos Indian/Comoro Indian/Kerguelen Indian/Mahe Indian/Maldives Indian/Mauritius Indian/Mayotte Indian/Reunion Iran Israel Jamaica Japan Kwajalein Libya MET Mexico/BajaNorte Mexico/BajaSur Mexico/General MST MST7MDT Navajo NZ NZ-CHAT
Pacific/Apia Pacific/Auckland Pacific/Bougainville Pacific/Chatham Pacific/Chuuk Pacific/Easter Pacific/Efate Pacific/Enderbury Pacific/Fakaofo Pacific/Fiji Pacific/Funafuti Pacific/Galapagos Pacific/Gambier Pacific/Guadalcanal Pacific/Guam Pacific/Honolulu Pacific/Johnston Pacific/Kanton Pacific/Kiritimati Pacific/Kosrae Pacific/Kwajalein Pacific/Majuro Pacific/Marquesas Pacific/Midway Pacific/Nauru Pacific/Niue Pacific/Norfolk Pacific/Noumea Pacific/Pago_Pago Pacific/Palau Pacific/Pitcairn Pacific/Pohnpei Pacific/Ponape Pacific/Port_Moresby Pacific/Rarotonga Pacific/Saipan Pacific/Samoa Pacific/Tahiti Pacific/Tarawa Pacific/Tongatapu Pacific/Truk Pacific/Wake Pacific/Wallis Pacific/Yap
Poland Portugal PRC PST8PDT ROC ROK Singapore Turkey UCT Universal US/Alaska US/Aleutian US/Arizona US/Central US/East-Indiana US/Eastern US/Hawaii US/Indiana-Starke US/Michigan US/Mountain US/Pacific US/Samoa UTC W-SU WET Zulu`.split(/\s+/);
  for (const tz of data) it(tz, () => expect(validateCreate(cronJob({ schedule: "0 * * * *", timeZone: tz }))).toEqual([]));
});

describe("TestValidateIndexesString (validateIndexesFormat)", () => {
  const rows: [string, string, number, number, string | undefined][] = [
    ["empty is valid", "", 6, 0, undefined],
    ["single number is valid", "1", 6, 1, undefined],
    ["single interval is valid", "1-3", 6, 3, undefined],
    ["mixed intervals valid", "0,1-3,5,7-10", 12, 9, undefined],
    ["invalid due to extra space", "0,1-3, 5", 6, 0, `cannot convert string to integer for index: " 5"`],
    ["invalid due to too large index", "0,1-3,5", 5, 0, `too large index: "5"`],
    ["invalid due to non-increasing order of intervals", "1-3,0,5", 6, 0, "non-increasing order, previous: 3, current: 0"],
    ["invalid due to non-increasing order between intervals", "0,0,5", 6, 0, "non-increasing order, previous: 0, current: 0"],
    ["invalid due to non-increasing order within interval", "0,1-1,5", 6, 0, "non-increasing order, previous: 1, current: 1"],
    ["invalid due to starting with '-'", "-1,0", 6, 0, `cannot convert string to integer for index: ""`],
    ["invalid due to ending with '-'", "0,1-", 6, 0, `cannot convert string to integer for index: ""`],
    ["invalid due to repeated '-'", "0,1--3", 6, 0, `the fragment "1--3" violates the requirement that an index interval can have at most two parts separated by '-'`],
    ["invalid due to repeated ','", "0,,1,3", 6, 0, `cannot convert string to integer for index: ""`],
  ];
  for (const [name, indexes, completions, total, error] of rows) it(name, () => expect(validateIndexesFormat(indexes, completions)).toEqual(error === undefined ? { total } : { total, error }));
});

describe("TestValidateFailedIndexesNotOverlapCompleted", () => {
  const overlap8 = "failedIndexes and completedIndexes overlap at index: 8";
  const rows: [string, string, string, number, string | undefined][] = [
    ["empty intervals", "", "", 6, undefined],
    ["empty completed intervals", "", "1-3", 6, undefined],
    ["empty failed intervals", "1-2", "", 6, undefined],
    ["non-overlapping intervals", "0,2-4,6-8,12-19", "1,9-10", 20, undefined],
    ["overlapping intervals", "0,2-4,6-8,12-19", "1,8,9-10", 20, overlap8],
    ["overlapping intervals, corrupted completed interval skipped", "0,2-4,x,6-8,12-19", "1,8,9-10", 20, overlap8],
    ["overlapping intervals, corrupted failed interval skipped", "0,2-4,6-8,12-19", "1,y,8,9-10", 20, overlap8],
    ["overlapping intervals, first corrupted intervals skipped", "x,0,2-4,6-8,12-19", "y,1,8,9-10", 20, overlap8],
    ["non-overlapping intervals, last intervals corrupted", "0,2-4,6-8,12-19,x", "1,9-10,y", 20, undefined],
  ];
  for (const [name, completed, failed, completions, want] of rows) it(name, () => expect(overlapError(completed, failed, completions)).toBe(want));
});

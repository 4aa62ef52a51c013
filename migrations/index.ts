import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_approvals.js';
import * as m0003 from './0003_campaigns.js';
import * as m0004 from './0004_campaign_limits.js';
import * as m0005 from './0005_events.js';
import * as m0006 from './0006_beta.js';
import * as m0007 from './0007_growth.js';
import * as m0010 from './0010_sessions.js';
import * as m0012 from './0012_experiment_hash.js';
import * as m0011 from './0011_external_approvals.js';
import * as m0011b from './0011b_audit_subject.js';
import * as m0011c from './0011c_audit_seal.js';
import * as m0014 from './0014_dashboard_indexes.js';
import * as m0014b from './0014b_approval_list_index.js';
import * as m0015 from './0015_delivery_summaries.js';
import * as m0016 from './0016_delivery_runtime.js';
import * as m0016b from './0016b_delivery_counts.js';
import * as m0016c from './0016c_delivery_counts_no_fk.js';
import * as m0016d from './0016d_deliveries_no_campaign_fk.js';
import * as m0016e from './0016e_deliveries_send_indexes.js';
import * as m0016f from './0016f_deliveries_hot_updates.js';
import * as m0016g from './0016g_materialised_batches.js';
import * as m0016h from './0016h_campaign_audience_summary.js';
import * as m0016i from './0016i_campaign_content_hash.js';

/** Every migration, in order. Append only: never edit or reorder a landed one. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_approvals': m0002,
  '0003_campaigns': m0003,
  '0004_campaign_limits': m0004,
  '0005_events': m0005,
  '0006_beta': m0006,
  '0007_growth': m0007,
  '0012_experiment_hash': m0012,
  '0010_sessions': m0010,
  '0011_external_approvals': m0011,
  '0011b_audit_subject': m0011b,
  '0014_dashboard_indexes': m0014,
  '0016_delivery_runtime': m0016,
  '0015_delivery_summaries': m0015,
  '0014b_approval_list_index': m0014b,
  '0011c_audit_seal': m0011c,
  '0016b_delivery_counts': m0016b,
  '0016c_delivery_counts_no_fk': m0016c,
  '0016d_deliveries_no_campaign_fk': m0016d,
  '0016e_deliveries_send_indexes': m0016e,
  '0016f_deliveries_hot_updates': m0016f,
  '0016g_materialised_batches': m0016g,
  '0016h_campaign_audience_summary': m0016h,
  '0016i_campaign_content_hash': m0016i,
};

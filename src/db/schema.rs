// One portable schema for both backends: uuids are Text, times are Timestamp (UTC), JSON is Text.

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    teams (id) {
        id -> Text,
        org_id -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        org_id -> Nullable<Text>,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    team_members (user_id, team_id) {
        user_id -> Text,
        team_id -> Text,
    }
}

diesel::table! {
    csm_assignments (user_id, org_id) {
        user_id -> Text,
        org_id -> Text,
    }
}

diesel::table! {
    labs (slug) {
        slug -> Text,
        id -> Integer,
        name -> Text,
        first_line_address -> Text,
        city -> Text,
        zipcode -> Text,
        collection_methods -> Text,
        sample_types -> Text,
    }
}

diesel::table! {
    lab_tests (id) {
        id -> Text,
        lab_slug -> Text,
        slug -> Text,
        name -> Text,
        sample_type -> Text,
        method -> Text,
        price -> Double,
        status -> Text,
        markers -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    lab_accounts (id) {
        id -> Text,
        lab_slug -> Text,
        org_id -> Nullable<Text>,
        owner_key -> Text,
        provider_account_id -> Text,
        account_name -> Nullable<Text>,
        status -> Text,
        delegated_flow -> Text,
        allowed_billing -> Text,
        business_units -> Nullable<Text>,
        default_clinical_notes -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lab_account_teams (lab_account_id, team_id) {
        lab_account_id -> Text,
        team_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    lab_account_status_changes (id) {
        id -> Text,
        lab_account_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        reason -> Text,
        actor_label -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        scope -> Text,
        team_id -> Nullable<Text>,
        org_id -> Nullable<Text>,
        lab_slug -> Nullable<Text>,
        prefix -> Text,
        digest -> Text,
        label -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Text,
        email -> Text,
        succeeded -> Bool,
        at -> Timestamp,
        client_addr -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        digest -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_type -> Text,
        actor_id -> Nullable<Text>,
        actor_label -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        org_id -> Nullable<Text>,
        team_id -> Nullable<Text>,
        summary -> Text,
        details -> Text,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    patients (id) {
        id -> Text,
        team_id -> Text,
        client_user_id -> Text,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        dob -> Nullable<Date>,
        gender -> Nullable<Text>,
        phone_number -> Nullable<Text>,
        email -> Nullable<Text>,
        address -> Nullable<Text>,
        search_name -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    orders (id) {
        id -> Text,
        team_id -> Text,
        org_id -> Text,
        user_id -> Text,
        lab_account_id -> Text,
        lab_slug -> Text,
        collection_method -> Text,
        billing_type -> Text,
        patient_details -> Text,
        patient_address -> Text,
        patient_search_name -> Text,
        patient_search_last_name -> Text,
        physician -> Nullable<Text>,
        clinical_notes -> Nullable<Text>,
        notes -> Nullable<Text>,
        priority -> Bool,
        icd_codes -> Nullable<Text>,
        passthrough -> Nullable<Text>,
        activate_by -> Nullable<Text>,
        status_high -> Text,
        status_low -> Text,
        interpretation -> Nullable<Text>,
        sample_id -> Nullable<Text>,
        origin -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    order_tests (order_id, lab_test_id) {
        order_id -> Text,
        lab_test_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    order_events (order_id, seq) {
        order_id -> Text,
        seq -> Integer,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (team_id, idem_key) {
        team_id -> Text,
        idem_key -> Text,
        request_hash -> Text,
        state -> Text,
        response_status -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
        claim_token -> Text,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    order_drafts (id) {
        id -> Text,
        team_id -> Text,
        created_by -> Text,
        data -> Text,
        order_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    inbound_messages (id) {
        id -> Text,
        lab_slug -> Text,
        control_id -> Text,
        format -> Text,
        outcome -> Text,
        result_id -> Nullable<Text>,
        unmatched_id -> Nullable<Text>,
        received_at -> Timestamp,
    }
}

diesel::table! {
    results (id) {
        id -> Text,
        order_id -> Text,
        lab_account_id -> Text,
        version -> Integer,
        status -> Text,
        interpretation -> Text,
        control_id -> Text,
        metadata -> Text,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    result_biomarkers (result_id, position) {
        result_id -> Text,
        position -> Integer,
        name -> Text,
        slug -> Text,
        code -> Text,
        loinc -> Nullable<Text>,
        value_type -> Text,
        result -> Text,
        numeric_value -> Nullable<Double>,
        unit -> Nullable<Text>,
        reference_range -> Nullable<Text>,
        min_range -> Nullable<Double>,
        max_range -> Nullable<Double>,
        flags -> Text,
        interpretation -> Text,
        observed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    unmatched_results (id) {
        id -> Text,
        lab_slug -> Text,
        lab_account_id -> Nullable<Text>,
        org_id -> Nullable<Text>,
        team_id -> Nullable<Text>,
        account_number -> Text,
        placer_order_number -> Nullable<Text>,
        control_id -> Text,
        decision_code -> Text,
        reasons -> Text,
        candidate_order_id -> Nullable<Text>,
        raw_message -> Text,
        parsed -> Text,
        status -> Text,
        resolution_note -> Nullable<Text>,
        resolved_order_id -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Orders per Team and status, kept by triggers (see the order_counts migration).
    team_order_counts (team_id, status_low, shard) {
        team_id -> Text,
        status_low -> Text,
        shard -> Integer,
        n -> BigInt,
    }
}

diesel::joinable!(teams -> organizations (org_id));
diesel::joinable!(team_members -> teams (team_id));
diesel::joinable!(team_members -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(lab_account_teams -> lab_accounts (lab_account_id));
diesel::joinable!(lab_account_teams -> teams (team_id));
diesel::joinable!(lab_tests -> labs (lab_slug));
diesel::joinable!(orders -> patients (user_id));
diesel::joinable!(orders -> lab_accounts (lab_account_id));
diesel::joinable!(order_tests -> orders (order_id));
diesel::joinable!(order_tests -> lab_tests (lab_test_id));
diesel::joinable!(order_events -> orders (order_id));
diesel::joinable!(results -> orders (order_id));
diesel::joinable!(result_biomarkers -> results (result_id));

diesel::allow_tables_to_appear_in_same_query!(
    team_order_counts,
    organizations,
    teams,
    users,
    team_members,
    csm_assignments,
    labs,
    lab_tests,
    lab_accounts,
    lab_account_teams,
    lab_account_status_changes,
    api_keys,
    login_attempts,
    sessions,
    audit_events,
    patients,
    orders,
    order_tests,
    order_events,
    idempotency_keys,
    order_drafts,
    inbound_messages,
    results,
    result_biomarkers,
    unmatched_results,
);

diesel::table! {
    bulk_link_actions (id) {
        id -> Text,
        org_id -> Text,
        action -> Text,
        account_count -> Integer,
        team_count -> Integer,
        unchanged_count -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        undone_at -> Nullable<Timestamp>,
        undone_by -> Nullable<Text>,
        undone_count -> Nullable<Integer>,
    }
}

diesel::table! {
    bulk_link_changes (bulk_id, lab_account_id, team_id) {
        bulk_id -> Text,
        lab_account_id -> Text,
        team_id -> Text,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        org_id -> Text,
        team_id -> Text,
        url -> Text,
        description -> Text,
        event_types -> Text,
        enabled -> Bool,
        secret -> Text,
        consecutive_failures -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Text,
        org_id -> Text,
        team_id -> Text,
        event_type -> Text,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        event_id -> Text,
        endpoint_id -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        endpoint_id -> Text,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        latency_ms -> Integer,
        error -> Nullable<Text>,
        response_snippet -> Text,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));

diesel::allow_tables_to_appear_in_same_query!(
    webhook_endpoints,
    webhook_events,
    webhook_deliveries,
    webhook_attempts,
);

diesel::table! {
    lab_connections (lab_slug) {
        lab_slug -> Text,
        kind -> Text,
        host -> Nullable<Text>,
        port -> Nullable<Integer>,
        folder -> Nullable<Text>,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lab_messages (id) {
        id -> Text,
        order_id -> Text,
        lab_slug -> Text,
        lab_account_id -> Text,
        kind -> Text,
        control_id -> Text,
        body -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        ack_code -> Nullable<Text>,
        ack_text -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    lab_message_attempts (id) {
        id -> Text,
        message_id -> Text,
        attempted_at -> Timestamp,
        outcome -> Text,
        detail -> Text,
        latency_ms -> Integer,
    }
}

diesel::joinable!(lab_message_attempts -> lab_messages (message_id));

diesel::allow_tables_to_appear_in_same_query!(lab_connections, lab_messages, lab_message_attempts,);

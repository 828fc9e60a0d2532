{#-
    The awards each rep wins per run quarter (fct_incentives): each award of awards.csv (set
    in effect) goes to the rep(s) with the highest value of its metric (above 0). Tied
    champions split the amount equally to the cent; a cent left over goes to the tied rep
    whose id sorts first (then the next). Metrics: new_customers = new customers whose first
    order of the quarter the rep took; repurchasing_customers = existing customers (recalled
    included) who ordered from the rep; the *_revenue ones = the rep's revenue from that
    segment. One row per quarter x rep with at least one award.
-#}

with

quarters as (

    select quarter

    from {{ ref('int_plan_quarters_resolved') }}

),

awards as (

    {{ plan_rows_in_effect('awards', ['award', 'award_name', 'metric', 'amount']) }}

),

sale_lines as (

    select
        quarter,
        order_id,
        order_date,
        customer_id,
        customer_segment,
        rep_id,
        net_amount

    from {{ ref('int_order_lines_classified') }}
    where rep_id is not null

),

first_new_customer_orders as (

    select
        quarter,
        customer_id,
        rep_id,
        row_number() over (
            -- ids are text: by length first, so numeric-looking ids keep their numeric order
            partition by quarter, customer_id order by order_date, length(order_id), order_id
        ) as order_rank

    from sale_lines
    where customer_segment = 'new'

),

award_metrics as (

    select quarter, rep_id, 'new_customers' as metric, count(*) * 1.0 as metric_value
    from first_new_customer_orders
    where order_rank = 1
    group by quarter, rep_id

    union all

    select quarter, rep_id, 'repurchasing_customers' as metric,
        count(distinct customer_id) * 1.0 as metric_value
    from sale_lines
    where customer_segment = 'existing'
    group by quarter, rep_id

    union all

    select quarter, rep_id, customer_segment || '_customer_revenue' as metric,
        {{ dbt.safe_cast('sum(net_amount)', 'double') }} as metric_value
    from sale_lines
    group by quarter, rep_id, customer_segment

),

champions as (

    select
        awards.quarter,
        awards.award,
        awards.award_name,
        awards.amount,
        award_metrics.rep_id,
        award_metrics.metric_value,
        count(*) over (partition by awards.quarter, awards.award) as tied_reps,
        row_number() over (
            partition by awards.quarter, awards.award order by award_metrics.rep_id
        ) as tie_order

    from awards
    inner join award_metrics
        on award_metrics.quarter = awards.quarter
        and award_metrics.metric = awards.metric
    where award_metrics.metric_value > 0
        and award_metrics.metric_value = (
            select max(best.metric_value)
            from award_metrics as best
            where best.quarter = awards.quarter
                and best.metric = awards.metric
        )

),

-- equal split to the cent; leftover cents to the first reps by id
award_shares as (

    select
        quarter,
        rep_id,
        award_name,
        tied_reps,
        (
            floor(amount * 100 / tied_reps)
            + case
                when tie_order <= amount * 100 - floor(amount * 100 / tied_reps) * tied_reps
                    then 1 else 0
            end
        ) / 100 as award_amount

    from champions

),

final as (

    select
        quarter,
        rep_id,
        sum(award_amount) as awards,
        {{ ordered_string_agg(
            "case when tied_reps > 1
                then award_name || ' (shared by ' || tied_reps || ')'
                else award_name end",
            "'; '",
            "award_name",
        ) }} as award_names

    from award_shares
    group by quarter, rep_id

)

select * from final

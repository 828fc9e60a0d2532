{#-
    Long-tail stock per run quarter, at its start and at the end of every reported week
    (reported_through), for product/long_tail/inventory_reduction (int_kpi_rates_weekly):
    stock = the units on hand of each long-tail product's latest snapshot on or before the
    day (the start: before the quarter's first day), summed over the products. Snapshots
    older than a year before the quarter are not read.
-#}
with

quarters as (

    select
        quarter,
        quarter_start_date,
        as_of_date

    from {{ ref('int_plan_quarters_resolved') }}

),

weeks as (

    select
        quarter,
        week_start,
        reported_through

    from {{ ref('int_quarter_weeks_phased') }}

),

long_tail_stock as (

    select
        quarters.quarter,
        snapshots.product_id,
        snapshots.snapshot_date,
        snapshots.units_on_hand

    from quarters
    inner join {{ ref('stg_orders__products') }} as products
        on products.tier = 'long_tail'
    inner join {{ ref('stg_orders__inventory_snapshots') }} as snapshots
        on snapshots.product_id = products.product_id
        and snapshots.snapshot_date <= quarters.as_of_date
        and snapshots.snapshot_date
            >= {{ dbt.dateadd('day', -366, 'quarters.quarter_start_date') }}

),

stock_at_start as (

    select
        quarter,
        sum(units_on_hand) as units_on_hand

    from (
        select
            long_tail_stock.quarter,
            long_tail_stock.units_on_hand,
            row_number() over (
                partition by long_tail_stock.quarter, long_tail_stock.product_id
                order by long_tail_stock.snapshot_date desc
            ) as snapshot_rank
        from long_tail_stock
        inner join quarters
            on quarters.quarter = long_tail_stock.quarter
        where long_tail_stock.snapshot_date < quarters.quarter_start_date
    ) as latest
    where snapshot_rank = 1
    group by quarter

),

stock_at_week_end as (

    select
        quarter,
        week_start,
        sum(units_on_hand) as units_on_hand

    from (
        select
            weeks.quarter,
            weeks.week_start,
            long_tail_stock.units_on_hand,
            row_number() over (
                partition by weeks.quarter, weeks.week_start, long_tail_stock.product_id
                order by long_tail_stock.snapshot_date desc
            ) as snapshot_rank
        from weeks
        inner join long_tail_stock
            on long_tail_stock.quarter = weeks.quarter
            and long_tail_stock.snapshot_date <= weeks.reported_through
    ) as latest
    where snapshot_rank = 1
    group by quarter, week_start

),

final as (

    select
        stock_at_start.quarter,
        stock_at_week_end.week_start,
        stock_at_start.units_on_hand as units_at_start,
        stock_at_week_end.units_on_hand as units_at_week_end

    from stock_at_start
    inner join stock_at_week_end
        on stock_at_week_end.quarter = stock_at_start.quarter

)

select * from final

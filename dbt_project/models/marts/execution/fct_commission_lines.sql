{#-
    Commission lines per quarter: every completed order line of the quarter (sale) and every
    line of an earlier quarter's order refunded in this quarter (clawback, negative), with
    the rate of the commission matrix it earned. Rules in int_commission_lines_rated.
    Quarter-keyed, incremental (delete+insert by quarter).
-#}

with

lines as (

    select
        quarter,
        line_kind,
        order_line_id,
        order_id,
        rep_id,
        rated_quarter,
        customer_type,
        product_tier,
        rate,
        net_amount,
        commission,
        order_date,
        event_date

    from {{ ref('int_commission_lines_rated') }}

)

select * from lines

{#- ROC AUC by ranks (Mann-Whitney U), without a pairwise join: the probability that a churned
    row has a lower score than a retained one, ties counting one half.

    cs_doubled_mid_rank: twice the row's mid-rank among the rows of its partition in ascending
    score order (tied rows share the mean of their ranks), an exact integer.

    cs_rank_auc: from the sum of the retained rows' doubled mid-ranks and the two group sizes,
    U = retained_rank_sum / 2 - retained (retained + 1) / 2 counts the (churned, retained) pairs
    where the retained score is higher, plus one half per tie; AUC = U / (churned x retained),
    computed in integers up to one division; null when either group is empty. -#}
{% macro cs_doubled_mid_rank(score, partition_by) -%}
    (2 * rank() over (partition by {{ partition_by }} order by {{ score }})
        + count(*) over (partition by {{ partition_by }}, {{ score }}) - 1)
{%- endmacro %}

{% macro cs_rank_auc(retained_doubled_rank_sum, churned, retained) -%}
    {{ cs_safe_divide(
        retained_doubled_rank_sum ~ ' - ' ~ retained ~ ' * (' ~ retained ~ ' + 1)',
        '2 * ' ~ churned ~ ' * ' ~ retained
    ) }}
{%- endmacro %}

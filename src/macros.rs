//! Internal macros: trait impls for tuples of every arity up to 16.

/// Calls `$m!` once per tuple arity from 1 to 16, with pairs of type
/// parameter names (`A SA, B SB, ...`).
macro_rules! for_tuples {
    ($m:ident) => {
        $m!(A SA);
        $m!(A SA, B SB);
        $m!(A SA, B SB, C SC);
        $m!(A SA, B SB, C SC, D SD);
        $m!(A SA, B SB, C SC, D SD, E SE);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF, G SG);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF, G SG, H SH);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF, G SG, H SH, I SI);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF, G SG, H SH, I SI, J SJ);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF, G SG, H SH, I SI, J SJ, K SK);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF, G SG, H SH, I SI, J SJ, K SK, L SL);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF, G SG, H SH, I SI, J SJ, K SK, L SL, M SM);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF, G SG, H SH, I SI, J SJ, K SK, L SL, M SM, N SN);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF, G SG, H SH, I SI, J SJ, K SK, L SL, M SM, N SN, O SO);
        $m!(A SA, B SB, C SC, D SD, E SE, F SF, G SG, H SH, I SI, J SJ, K SK, L SL, M SM, N SN, O SO, P SP);
    };
}
pub(crate) use for_tuples;

/// Implements [`InScope`](crate::query::InScope) for a node whose
/// columns are those of its children: `in_scope!([E, ST] Cast<E, ST> { E: IE });`
/// (generic parameters, the type, then each child with a fresh name for
/// its index). A node without children lists none: it is in every scope.
macro_rules! in_scope {
    ($([$($g:ident),*] $ty:ty { $($c:ident : $i:ident),* };)*) => {$(
        impl<$($g,)*> $crate::query::Scoped for $ty {
            type Check = Self;
        }
        impl<Scope, $($g,)* $($i,)*> $crate::query::InScope<Scope, ($($i,)*)> for $ty
        where
            $($c: $crate::query::Scoped,
            <$c as $crate::query::Scoped>::Check: $crate::query::InScope<Scope, $i>,)*
        {
        }
    )*};
}
pub(crate) use in_scope;

"""The checker's sentences, in English and in Chinese (the zh docs' terms)."""

from __future__ import annotations

from typing import Any

LANGS = ("en", "zh")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "passed": "passed: the values agree with bp4's reference on {n} cases "
        "(float64 and float32, m = 1 included), and the inputs are left unchanged.",
        "failed": "not yet right:",
        "signature": "{name} takes {count} argument(s), ({params}), and may take "
        "out=; yours takes ({theirs}).",
        "not_a_function": "expected a function; got {what}.",
        "not_implemented": "not implemented yet (the function raises NotImplementedError).",
        "raised": "your function raised {error}{line} on the case {case}.",
        "line": " (line {line} of your code)",
        "timeout": "your function did not return within {timeout:g} s on the case "
        "{case}; it was stopped.",
        "wrong_type": "{symbol} must be returned as a NumPy array; yours returned {what}.",
        "return_out": " A function that writes into out= must also return it.",
        "structure": "the function must return (nabla_w, nabla_b): two lists with "
        "one array per layer, {layers} each; yours returned {what}.",
        "dtype": "{symbol} must be an array of floats; yours has dtype {dtype}.",
        "precision": "{symbol} is {dtype} for {inputs} inputs, which loses "
        "precision; compute in the inputs' type or a wider one.",
        "not_finite": "{symbol} has NaN or infinite entries on the case {case}.",
        "shape": "{symbol} must be {shape} = {expected}; yours is {actual} "
        "(on the case {case}).",
        "values": "{symbol} has the right shape but wrong values on the case "
        "{case} (largest difference {diff:.3g}). This is not a mistake bp4 knows: "
        "compare your code with the component form {component}.",
        "modified": "your function changes its argument {param}: compute {symbol} "
        "without writing into the inputs (make a new array, or write into out=).",
        "out_wrong": "called with out=, your function returns wrong values: return "
        "the result (out itself, once filled).",
        "mistake": "{words}. You computed {text}.",
        "smallest": "The smallest case that shows it: {case}.",
        "main_note": "(On the case {case} your function {what}.)",
        "main_raised": "raised {error}",
        "main_shape": "returned shape {actual}",
        "expected": "expected",
        "yours": "yours",
        "check_all_passed": "all {n} functions pass; trained with them, the network "
        "reaches {accuracy:.1%} test accuracy, as with bp4's own ({reference:.1%}).",
        "check_all_failed": "{failed} of {n} functions not yet right.",
        "trained": "Trained on the digits with your functions swapped into "
        "bp4.backprop: {accuracy} test accuracy (bp4's own: {reference:.1%}).",
        "training_failed": "Training with your functions failed: {error}.",
        "none_given": "no function named {names} was given.",
    },
    "zh": {
        "passed": "通过：在 {n} 个情形（float64 和 float32，含 m = 1）上与 bp4 的参考实现一致，"
        "且没有修改输入。",
        "failed": "还不对：",
        "signature": "{name} 接受 {count} 个参数 ({params})，还可以接受 out=；"
        "你的函数接受 ({theirs})。",
        "not_a_function": "需要一个函数；得到的是 {what}。",
        "not_implemented": "尚未实现（函数抛出 NotImplementedError）。",
        "raised": "你的函数在情形 {case} 上抛出了 {error}{line}。",
        "line": "（你的代码第 {line} 行）",
        "timeout": "你的函数在情形 {case} 上 {timeout:g} 秒内没有返回，已被终止。",
        "wrong_type": "{symbol} 必须以 NumPy 数组返回；你的函数返回了 {what}。",
        "return_out": "写入 out= 的函数也必须返回它。",
        "structure": "函数必须返回 (nabla_w, nabla_b)：两个列表，每层一个数组，各 {layers} 个；"
        "你的函数返回了 {what}。",
        "dtype": "{symbol} 必须是浮点数组；你的结果的 dtype 是 {dtype}。",
        "precision": "输入是 {inputs}，{symbol} 却是 {dtype}，损失了精度；"
        "请用输入的类型或更宽的类型计算。",
        "not_finite": "在情形 {case} 上，{symbol} 含有 NaN 或无穷大。",
        "shape": "{symbol} 的形状必须是 {shape} = {expected}；你的是 {actual}（情形 {case}）。",
        "values": "{symbol} 的形状正确，但在情形 {case} 上数值错误（最大差 {diff:.3g}）。"
        "这不是 bp4 认识的错误：请把你的代码与分量形式 {component} 对照。",
        "modified": "你的函数修改了参数 {param}：计算 {symbol} 时不要写入输入"
        "（请新建数组，或写入 out=）。",
        "out_wrong": "传入 out= 时，你的函数返回的数值错误：请返回结果（填好之后的 out 本身）。",
        "mistake": "{words}。你计算的是 {text}。",
        "smallest": "能显示这个错误的最小情形：{case}。",
        "main_note": "（在情形 {case} 上，你的函数{what}。）",
        "main_raised": "抛出了 {error}",
        "main_shape": "返回的形状是 {actual}",
        "expected": "期望值",
        "yours": "你的结果",
        "check_all_passed": "全部 {n} 个函数都通过了；用它们训练，网络的测试准确率为 "
        "{accuracy:.1%}，与 bp4 自己的函数相同（{reference:.1%}）。",
        "check_all_failed": "{n} 个函数中有 {failed} 个还不对。",
        "trained": "把你的函数换入 bp4.backprop 后在手写数字上训练：测试准确率 {accuracy}"
        "（bp4 自己的函数：{reference:.1%}）。",
        "training_failed": "用你的函数训练失败：{error}。",
        "none_given": "没有给出名为 {names} 的函数。",
    },
}


def say(lang: str, key: str, **values: Any) -> str:
    return MESSAGES[lang][key].format(**values)


def check_lang(lang: Any) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'zh'; got {lang!r}")
    return str(lang)

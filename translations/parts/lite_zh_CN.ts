<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Messages</name>
    <message>
        <source>%1 cannot be opened as an ONNX model: %2</source>
        <translation>无法将 %1 作为 ONNX 模型打开：%2</translation>
    </message>
    <message>
        <source>%1 is an ONNX model without ResLens metadata; export it with reslens-cli export</source>
        <translation>%1 是不含 ResLens 元数据的 ONNX 模型；请用 reslens-cli export 导出</translation>
    </message>
    <message>
        <source>%1 is a ResLens model of format %2; this ResLens reads format %3</source>
        <translation>%1 是格式 %2 的 ResLens 模型；此版本的 ResLens 读取格式 %3</translation>
    </message>
    <message>
        <source>%1: its ResLens metadata is not valid (%2)</source>
        <translation>%1：其 ResLens 元数据无效（%2）</translation>
    </message>
    <message>
        <source>%1: the graph&apos;s outputs are %2; a ResLens model has %3</source>
        <translation>%1：计算图的输出为 %2；ResLens 模型的输出应为 %3</translation>
    </message>
    <message>
        <source>%1 exists and is not a ResLens model; choose another name, or --force to replace it</source>
        <translation>%1 已存在且不是 ResLens 模型；请换一个名称，或用 --force 替换它</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1: the metadata names %2 classes but the model gives %3 scores</source>
        <translation>%1：元数据列出 %2 个类别，但模型给出 %3 个分数</translation>
    </message>
    <message>
        <source>unknown class %1; the model&apos;s classes are: %2</source>
        <translation>未知类别 %1；模型的类别为：%2</translation>
    </message>
    <message>
        <source>%1 needs at least two sub-folders of pictures, one per class</source>
        <translation>%1 至少需要两个图片子文件夹，每个类别一个</translation>
    </message>
    <message>
        <source>the class %1 has no pictures it can read</source>
        <translation>类别 %1 没有可读取的图片</translation>
    </message>
    <message>
        <source>Fitting the quick head (penalty %1)…</source>
        <translation>正在拟合快速分类头（惩罚系数 %1）…</translation>
    </message>
    <message>
        <source>wrote %1 (%2 MB)</source>
        <translation>已写入 %1（%2 MB）</translation>
    </message>
    <message>
        <source>%1 is not a ResLens Lite model; opening it needs ResLens, full edition</source>
        <translation>%1 不是 ResLens Lite 模型；打开它需要 ResLens 完整版</translation>
    </message>
    <message>
        <source>quick head: %1 classes, %2 pictures, penalty %3 (k-fold accuracy %4), %5 s</source>
        <translation>快速分类头：%1 个类别，%2 张图片，惩罚系数 %3（k 折准确率 %4），%5 秒</translation>
    </message>
    <message numerus="yes">
        <source>Reading %n picture(s)…</source>
        <translation>
            <numerusform>正在读取 %n 张图片…</numerusform>
        </translation>
    </message>
</context>
</TS>
